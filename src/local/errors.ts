/**
 * Errors a caller of the `.wandb` reader may want to catch.
 *
 * @module
 */
import type { LostRange } from './damage_report.ts'

/** The file is not a W&B transaction log: its 7-byte header is wrong or its version unknown. */
export class WandbLogFormatError extends Error {
  /** The file that was read. */
  readonly file: string

  /** Creates the error for a file with a message saying what was found. */
  constructor(file: string, message: string) {
    super(message)
    this.name = 'WandbLogFormatError'
    this.file = file
  }
}

/** Thrown in `strict` mode at the first byte range the reader could not read as intact records. */
export class WandbLogDamageError extends Error {
  /** The file that was read. */
  readonly file: string
  /** The damaged span. */
  readonly range: LostRange

  /** Creates the error for one damaged range. */
  constructor(file: string, range: LostRange) {
    super(
      `Cannot read ${file} strictly: bytes ${range.start}-${range.end} are damaged (${range.reason}); ` +
        'read without strict to skip damaged blocks',
    )
    this.name = 'WandbLogDamageError'
    this.file = file
    this.range = range
  }
}

/** A record payload passed its checksum but is not a valid protobuf message. */
export class ProtobufDecodeError extends Error {
  /** Byte position inside the payload where decoding failed. */
  readonly position: number

  /** Creates the error for a failure at a position. */
  constructor(message: string, position: number) {
    super(`Cannot decode protobuf: ${message} at byte ${position}`)
    this.name = 'ProtobufDecodeError'
    this.position = position
  }
}
