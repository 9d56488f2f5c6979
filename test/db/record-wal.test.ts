import { describe, expect, test } from 'bun:test'
import { walJson } from '../../src/db/record-wal.ts'

describe('record-wal', () => {
  test.each([
    ['a\ud800b', 'a\ufffdb'],
    ['\udc00\ud800', '\ufffd\ufffd'],
    ['nul \u0000 here', 'nul \ufffd here'],
    ['\ud83d\ude00 paired', '\ud83d\ude00 paired'],
    ['\\ud800 typed as text', '\\ud800 typed as text'],
    ['\\\ud800 after a backslash', '\\\ufffd after a backslash'],
  ])('walJson() writes %j so that it reads back as %j', (input, expected) => {
    const text = walJson([{ [input]: input }])
    expect(JSON.parse(text)).toEqual([{ [expected]: expected }])
  })
})
