import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import {
  ZSTD_WASM_BASE64,
  ZSTD_WASM_BYTES,
  ZSTD_WASM_SHA256,
} from '../../src/export/zstd_wasm_module.ts'

test('the embedded module is the one build.sh recorded: no imports, four entry points and its memory', () => {
  const bytes = Buffer.from(ZSTD_WASM_BASE64, 'base64')
  assert.equal(bytes.length, ZSTD_WASM_BYTES)
  assert.equal(createHash('sha256').update(bytes).digest('hex'), ZSTD_WASM_SHA256)
  const module = new WebAssembly.Module(bytes)
  assert.deepEqual(WebAssembly.Module.imports(module), [])
  assert.deepEqual(
    WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`).sort(),
    [
      'function wbx_zstd_compress',
      'function wbx_zstd_init',
      'function wbx_zstd_input',
      'function wbx_zstd_output',
      'memory memory',
    ],
  )
})

test('an instance starts small: a 256 KiB stack below the data, no 16 MiB default', () => {
  const module = new WebAssembly.Module(Buffer.from(ZSTD_WASM_BASE64, 'base64'))
  const { memory } = new WebAssembly.Instance(module, {}).exports as { memory: WebAssembly.Memory }
  assert.equal(memory.buffer.byteLength, 5 * 65536)
})
