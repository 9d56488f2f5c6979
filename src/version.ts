/** The version of this build, from package.json (embedded by the bundler). */
import pkg from '../package.json' with { type: 'json' }

/** VERSION is the semantic version of vigil. */
export const VERSION: string = pkg.version
