/**
 * Test-only: writes a two-folder resumed run (id `res01`) with hand-built records, whose folder
 * names sort opposite to their start times.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeLog } from './_log_writer.ts'
import {
  historyRecord,
  type ProtoWriter,
  record,
  type TestItem,
  writeItem,
} from './_proto_writer.ts'

// Record builders for hand-made logs (field numbers from wandb_internal.proto).
const ts = (w: ProtoWriter, field: number, seconds: number, nanos = 0) =>
  w.message(field, (t) => t.varint(1, seconds).varint(2, nanos))
const updates = (field: number, items: TestItem[], removes: TestItem[] = []) =>
  record((w) =>
    w.message(field, (u) => {
      for (const i of items) u.message(1, (m) => writeItem(m, i))
      for (const i of removes) u.message(2, (m) => writeItem(m, i))
    })
  )
const stats = (seconds: number, cpu: number) =>
  record((w) =>
    w.message(7, (s) => {
      ts(s, 2, seconds)
      s.message(3, (i) => i.string(1, 'cpu').string(16, String(cpu)))
    })
  )
const output = (line: string, stderr = false) =>
  record((w) => w.message(13, (o) => (stderr ? o : o.varint(1, 1)).string(3, line)))

/** Writes a two-folder resumed run whose folder names sort opposite to its start times. */
export async function resumedRun(): Promise<
  { root: string; wandbDir: string; first: string; second: string }
> {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-local-run-'))
  const wandbDir = join(dir, 'wandb')
  const first = join(wandbDir, 'run-20260101_100000-res01')
  const second = join(wandbDir, 'run-20260101_090000-res01')
  await mkdir(join(first, 'files'), { recursive: true })
  await mkdir(join(second, 'files', 'ckpt'), { recursive: true })
  const seg1 = [
    record((w) => w.message(21, (h) => h.message(1, (v) => v.string(1, '0.31.0+abc')))),
    record((w) =>
      w.message(17, (r) => {
        r.string(1, 'res01').string(2, 'e1').string(3, 'p1').string(8, 'first').string(10, 't1')
        r.message(4, (c) => {
          c.message(1, (i) => writeItem(i, ['lr', '0.1']))
          c.message(1, (i) => writeItem(i, ['opt', '{"a": 1}']))
        })
        ts(r, 17, 1000, 500_000_000)
      })
    ),
    historyRecord(0, [['_step', '0'], ['loss', '3']], 0),
    updates(3, [[['loss_best', 'min'], '3']]),
    historyRecord(0, [['_step', '1'], ['loss', '2']], 1),
    stats(1010, 50),
    output('epoch 1\n'),
    output('partial'),
    historyRecord(0, [['_step', '2'], ['loss', '1']], 2),
    record((w) =>
      w.message(6, (f) => f.message(1, (i) => i.string(1, 'config.yaml').varint(2, 1)))
    ),
    record((w) =>
      w.message(8, (a) => {
        a.string(1, 'res01').string(2, 'p1').string(3, 'e1').string(4, 'dataset').string(5, 'data')
        a.string(6, 'digest1').string(8, '{"rows": 2}').string(11, 'latest').string(11, 'v0')
        a.message(12, (m) => {
          m.varint(1, 1).string(2, 'wandb-storage-policy-v1')
          m.message(4, (e) => e.string(1, 'a.csv').string(2, 'md5a').varint(4, 10))
          m.message(4, (e) => e.string(1, 'b.csv').string(2, 'md5b').varint(4, 32))
        })
      })
    ),
    record((w) => w.message(18, (e) => e.varint(2, 30))),
  ]
  const seg2 = [
    record((w) =>
      w.message(17, (r) => {
        r.string(1, 'res01').string(8, 'second').varint(14, 3).bool(18, true).varint(20, 30)
        ts(r, 17, 2000)
      })
    ),
    updates(5, [['opt', '{"b": 2}'], ['lr', '0.2']]),
    record((w) =>
      w.message(
        25,
        (u) => u.string(1, 'QXJ0aWZhY3Q6MQ==').string(2, 'dataset').string(3, 'e1/p1/data:v3'),
      )
    ),
    record((w) =>
      w.message(6, (f) => {
        f.message(1, (i) => i.string(1, 'model.pt').varint(2, 1))
        f.message(1, (i) => i.string(1, 'ckpt/*.ckpt').varint(2, 2))
        f.message(1, (i) => i.string(1, 'missing.txt'))
      })
    ),
    output('\rresumed\n'),
    historyRecord(0, [['_step', '3'], ['loss', '0.5']], 3),
    stats(2005, 60),
    historyRecord(0, [['_step', '4'], ['loss', '0.25']], 4),
    record((w) => w.message(23, () => {})),
  ]
  await writeFile(join(first, 'run-res01.wandb'), writeLog(seg1))
  await writeFile(join(second, 'run-res01.wandb'), writeLog(seg2))
  await writeFile(join(first, 'files', 'config.yaml'), 'lr: 0.1\n')
  await writeFile(join(second, 'files', 'model.pt'), 'weights')
  await writeFile(join(second, 'files', 'ckpt', 'e1.ckpt'), 'ck')
  return { root: dir, wandbDir, first, second }
}
