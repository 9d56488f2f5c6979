import { describe, expect, it } from 'bun:test'
import {
  checkPassword,
  commonPasswordCount,
  hashPassword,
  isCommonPassword,
  needsRehash,
  verifyPassword,
  type ScryptParams,
} from '../../src/auth/password.ts'

// Cheap parameters keep the suite fast; one test below uses the OWASP default.
const cheap: ScryptParams = { N: 1024, r: 8, p: 1 }
const secret = 'correct horse battery staple'

describe('password', () => {
  it('hashPassword() returns scrypt$N$r$p$salt$hash with the parameters it was given', async () => {
    const encoded = await hashPassword(secret, cheap)
    expect(encoded).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
  })

  it('hashPassword() returns an OWASP-strength hash that verifies when no parameters are given', async () => {
    const encoded = await hashPassword(secret)
    expect(encoded.startsWith('scrypt$131072$8$1$')).toBe(true)
    expect(await verifyPassword(secret, encoded)).toBe(true)
    expect(needsRehash(encoded)).toBe(false)
  })

  it('hashPassword() returns different hashes for the same password (random salt)', async () => {
    const a = await hashPassword(secret, cheap)
    const b = await hashPassword(secret, cheap)
    expect(a).not.toBe(b)
    expect(await verifyPassword(secret, a)).toBe(true)
    expect(await verifyPassword(secret, b)).toBe(true)
  })

  it.each([
    ['N not a power of two', { N: 1000, r: 8, p: 1 }],
    ['N too small', { N: 1, r: 8, p: 1 }],
    ['r zero', { N: 1024, r: 0, p: 1 }],
    ['p fractional', { N: 1024, r: 8, p: 1.5 }],
    ['memory above 256 MiB', { N: 2 ** 18, r: 8, p: 1 }],
  ])('hashPassword() throws when the parameters are invalid (%s)', async (_, params) => {
    await expect(hashPassword(secret, params)).rejects.toThrow(RangeError)
  })

  it('verifyPassword() returns true when the password is right', async () => {
    expect(await verifyPassword(secret, await hashPassword(secret, cheap))).toBe(true)
  })

  it.each([
    ['a different password', 'correct horse battery stapler'],
    ['a different case', 'Correct horse battery staple'],
    ['the empty string', ''],
  ])('verifyPassword() returns false when given %s', async (_, attempt) => {
    expect(await verifyPassword(attempt, await hashPassword(secret, cheap))).toBe(false)
  })

  it('verifyPassword() returns true for non-ASCII passwords hashed the same way', async () => {
    const password = 'pässwörd 🔑 密码 long enough'
    expect(await verifyPassword(password, await hashPassword(password, cheap))).toBe(true)
  })

  const salt = 'AAAAAAAAAAAAAAAAAAAAAA'
  const key = 'A'.repeat(43)
  it.each([
    ['the empty string', ''],
    ['a bcrypt hash', '$2b$10$abcdefghijklmnopqrstuuJ0rE0Ll7m4yQ2JgJx6W2m1M1XyZ5p7a'],
    ['a plain password', secret],
    ['too few fields', `scrypt$1024$8$1$${salt}`],
    ['too many fields', `scrypt$1024$8$1$${salt}$${key}$x`],
    ['another algorithm', `argon2$1024$8$1$${salt}$${key}`],
    ['N not a power of two', `scrypt$1000$8$1$${salt}$${key}`],
    ['N zero', `scrypt$0$8$1$${salt}$${key}`],
    ['N with a leading zero', `scrypt$01024$8$1$${salt}$${key}`],
    ['N negative', `scrypt$-1024$8$1$${salt}$${key}`],
    ['N not a number', `scrypt$abc$8$1$${salt}$${key}`],
    ['N in exponent form', `scrypt$1e3$8$1$${salt}$${key}`],
    ['N needing gigabytes', `scrypt$1073741824$8$1$${salt}$${key}`],
    ['p too large', `scrypt$1024$8$1000$${salt}$${key}`],
    ['an empty salt', `scrypt$1024$8$1$$${key}`],
    ['a short salt', `scrypt$1024$8$1$AAAA$${key}`],
    ['an empty hash', `scrypt$1024$8$1$${salt}$`],
    ['a short hash', `scrypt$1024$8$1$${salt}$AAAA`],
    ['a salt that is not base64url', `scrypt$1024$8$1$${salt.slice(2)}+/$${key}`],
    ['a hash with padding', `scrypt$1024$8$1$${salt}$${key}=`],
    ['spaces around it', ` scrypt$1024$8$1$${salt}$${key} `],
  ])('verifyPassword() returns false when the stored hash is %s', async (_, encoded) => {
    expect(await verifyPassword(secret, encoded)).toBe(false)
  })

  it('verifyPassword() returns false when the stored hash was tampered with', async () => {
    const encoded = await hashPassword(secret, cheap)
    const last = encoded.at(-2) === 'A' ? 'B' : 'A'
    const tampered = encoded.slice(0, -2) + last + encoded.slice(-1)
    expect(await verifyPassword(secret, tampered)).toBe(false)
  })

  it('verifyPassword() returns false when the stored hash is not a string', async () => {
    expect(await verifyPassword(secret, undefined as unknown as string)).toBe(false)
    expect(await verifyPassword(secret, null as unknown as string)).toBe(false)
  })

  it.each([
    [true, 'N is lower', { N: 512, r: 8, p: 1 }],
    [true, 'r is lower', { N: 1024, r: 4, p: 1 }],
    [true, 'N is higher', { N: 2048, r: 8, p: 1 }],
    [true, 'p differs', { N: 1024, r: 8, p: 2 }],
    [false, 'the parameters are the same', cheap],
  ])('needsRehash() returns %p when, compared with the target, %s', async (expected, _, stored) => {
    const encoded = await hashPassword(secret, stored)
    expect(needsRehash(encoded, cheap)).toBe(expected)
  })

  it('needsRehash() returns true when the hash is cheaper than the OWASP default', async () => {
    expect(needsRehash(await hashPassword(secret, cheap))).toBe(true)
  })

  it('needsRehash() returns true when the stored hash is malformed', () => {
    expect(needsRehash('not a hash')).toBe(true)
  })

  it('commonPasswordCount() returns 10 000', () => {
    expect(commonPasswordCount()).toBe(10_000)
  })

  it.each(['password', '123456', 'qwerty123456', '1qaz2wsx3edc', 'leavemealone', 'justinbieber'])(
    'isCommonPassword() returns true for %p',
    (password) => {
      expect(isCommonPassword(password)).toBe(true)
      expect(isCommonPassword(password.toUpperCase())).toBe(true)
    },
  )

  it.each([secret, 'violet-tractor-Sundial-42-quietly'])(
    'isCommonPassword() returns false for %p',
    (password) => {
      expect(isCommonPassword(password)).toBe(false)
    },
  )

  const tooShort = (n: number) => `password must be at least 12 characters (got ${n})`
  const tooLong = (n: number) => `password must be at most 128 characters (got ${n})`
  const common = 'password is one of the 10 000 most common passwords; choose another'
  const hasUsername = 'password must not contain the username'
  it.each<[string, string, { username?: string } | undefined, string | undefined]>([
    ['an empty password', '', undefined, tooShort(0)],
    ['8 characters', 'Tr0ub4d!', undefined, tooShort(8)],
    ['11 characters', 'abcdefghij1', undefined, tooShort(11)],
    ['exactly 12 characters', 'vx7-kq2-mz9p', undefined, undefined],
    ['11 emoji (one character each)', '😀'.repeat(11), undefined, tooShort(11)],
    ['12 emoji', '😀'.repeat(12), undefined, undefined],
    ['128 characters', 'xq7!'.repeat(32), undefined, undefined],
    ['129 characters', 'xq7!'.repeat(32) + 'z', undefined, tooLong(129)],
    ['128 characters and an emoji', 'xq7!'.repeat(32) + '😀', undefined, tooLong(129)],
    ['a long random passphrase', 'violet-tractor-Sundial-42-quietly', undefined, undefined],
    ['a common password', 'qwerty123456', undefined, common],
    ['a common password in another case', 'LeaveMeAlone', undefined, common],
    ['another common password', '1qaz2wsx3edc', undefined, common],
    ['the username', 'margaret.hamilton', { username: 'Margaret.Hamilton' }, hasUsername],
    ['a password containing the username', 'ilovealice1234', { username: 'alice' }, hasUsername],
    ['the username in another case', 'iLoveALICE1234', { username: 'Alice' }, hasUsername],
    [
      'a password containing a 2-character username',
      'ilovealice1234',
      { username: 'al' },
      undefined,
    ],
    [
      'a password without the username',
      'violet-tractor-Sundial-42',
      { username: 'alice' },
      undefined,
    ],
    ['an empty username', 'violet-tractor-Sundial-42', { username: '' }, undefined],
    ['no username', 'violet-tractor-Sundial-42', {}, undefined],
  ])('checkPassword() returns the expected verdict for %s', (_, password, context, expected) => {
    expect(checkPassword(password, context)).toBe(expected)
  })
})

describe('password normalisation', () => {
  it('verifyPassword() accepts the same password typed in composed or decomposed form', async () => {
    const composed = 'caf\u00e9-au-lait-2026'
    const decomposed = 'cafe\u0301-au-lait-2026'
    const encoded = await hashPassword(composed, { N: 1024, r: 8, p: 1 })
    expect(await verifyPassword(decomposed, encoded)).toBe(true)
  })
})
