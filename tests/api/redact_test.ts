import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { redactText, registerSecret, secretForms } from '../../src/api/redact.ts'
import { excerpt } from '../../src/api/wandb_api_error.ts'

const KEY = 'k'.repeat(8) + '0123456789abcdef0123456789abcdef'

test('the key, its Basic forms and any Authorization value are replaced', () => {
  registerSecret(KEY)
  const basic = Buffer.from(`api:${KEY}`).toString('base64')
  const text =
    `key ${KEY}; header Authorization: Basic ${basic}; json {"authorization":"Bearer abc.def.ghi"}; ` +
    `url-encoded ${encodeURIComponent(basic)}; bare Bearer eyJhbGciOiJIUzI1NiJ9`
  const out = redactText(text)
  for (const form of secretForms(KEY)) assert.equal(out.includes(form), false, form)
  assert.equal(out.includes('abc.def.ghi'), false)
  assert.equal(out.includes('eyJhbGciOiJIUzI1NiJ9'), false)
  assert.match(out, /Authorization: Basic \*\*\*/)
  assert.match(out, /"authorization":"Bearer \*\*\*/)
})

test('URL queries, URL credentials and bare signature parameters are removed', () => {
  const out = redactText(
    'error sending request for url (https://storage.googleapis.com/b/o.txt?X-Goog-Algorithm=x&X-Goog-Signature=deadbeef): refused; ' +
      'see https://user:pw@example.com/x and X-Amz-Signature=cafe01 sig=abc',
  )
  assert.equal(
    out,
    'error sending request for url (https://storage.googleapis.com/b/o.txt?***): refused; ' +
      'see https://***@example.com/x and X-Amz-Signature=*** sig=***',
  )
})

test('excerpt redacts before it cuts: a key across the cut leaves no piece behind', () => {
  registerSecret(KEY)
  const text = `${'x'.repeat(190)}${KEY} tail`
  const out = excerpt(text, 200)
  assert.equal(out.includes(KEY.slice(0, 8)), false)
  assert.equal(out, `${'x'.repeat(190)}*** tail`)
})

test('a message without secrets is unchanged', () => {
  const text = 'HistoryPage for e/p/r failed: HTTP 503; the server is rate limiting'
  assert.equal(redactText(text), text)
})
