import { open } from 'node:fs/promises';
import { deliveryInputError } from '../errors.js';

const CHUNK_BYTES = 64 << 20;

/** PayloadLines in a form a worker thread can receive without copying the bytes. */
export interface SharedPayloadLines {
  chunks: SharedArrayBuffer[];
  chunkOf: Uint32Array;
  starts: Uint32Array;
  ends: Uint32Array;
}

/** A chunk in shared memory, so validation workers read the bytes where they are. */
function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

/**
 * The lines of `payloads.ndjson`, kept as the bytes the engine wrote: request bodies are the
 * lines copied side by side, never re-serialised. Lines live in chunks of up to 64 MiB (a line
 * never straddles two) so files beyond the 2 GiB readFile limit load too, and no per-line JS
 * string or object is kept.
 */
export class PayloadLines {
  private constructor(
    private readonly chunks: Buffer[],
    private readonly chunkOf: Uint32Array,
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    readonly count: number,
  ) {}

  /** Lines [from, to) for another thread: shares the chunks, copies only the offsets. */
  share(from: number, to: number): SharedPayloadLines {
    return {
      chunks: this.chunks.map((c) => c.buffer as SharedArrayBuffer),
      chunkOf: this.chunkOf.slice(from, to),
      starts: this.starts.slice(from, to),
      ends: this.ends.slice(from, to),
    };
  }

  static fromShared(shared: SharedPayloadLines): PayloadLines {
    return new PayloadLines(shared.chunks.map((c) => Buffer.from(c)), shared.chunkOf, shared.starts, shared.ends, shared.starts.length);
  }

  static async read(path: string): Promise<PayloadLines> {
    const handle = await open(path, 'r');
    const chunks: Buffer[] = [];
    let capacity = 1 << 16;
    let chunkOf: Uint32Array = new Uint32Array(capacity);
    let starts: Uint32Array = new Uint32Array(capacity);
    let ends: Uint32Array = new Uint32Array(capacity);
    let count = 0;
    const add = (chunk: number, start: number, end: number): void => {
      if (count === capacity) {
        capacity *= 2;
        chunkOf = grow(chunkOf, capacity);
        starts = grow(starts, capacity);
        ends = grow(ends, capacity);
      }
      chunkOf[count] = chunk;
      starts[count] = start;
      ends[count] = end;
      count++;
    };
    try {
      let buf = sharedBuffer(CHUNK_BYTES);
      let filled = 0;
      let lineStart = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, filled, CHUNK_BYTES - filled, null);
        const scanFrom = filled;
        filled += bytesRead;
        const view = buf.subarray(0, filled);
        for (let nl = view.indexOf(10, scanFrom); nl !== -1; nl = view.indexOf(10, nl + 1)) {
          add(chunks.length, lineStart, nl);
          lineStart = nl + 1;
        }
        if (bytesRead === 0) {
          if (lineStart < filled) add(chunks.length, lineStart, filled);
          const last = sharedBuffer(filled);
          buf.copy(last, 0, 0, filled);
          chunks.push(last);
          break;
        }
        if (filled === CHUNK_BYTES) {
          if (lineStart === 0) throw deliveryInputError(`${path}: line ${count + 1} is longer than ${CHUNK_BYTES} bytes`);
          const next = sharedBuffer(CHUNK_BYTES);
          filled = buf.copy(next, 0, lineStart, filled);
          chunks.push(buf);
          buf = next;
          lineStart = 0;
        }
      }
    } finally {
      await handle.close();
    }
    return new PayloadLines(chunks, chunkOf, starts, ends, count);
  }

  text(i: number): string {
    return this.chunks[this.chunkOf[i]!]!.toString('utf8', this.starts[i], this.ends[i]);
  }

  byteLength(i: number): number {
    return this.ends[i]! - this.starts[i]!;
  }

  /** `{"d":[line,line,…]}` for the given line numbers (0-based). */
  body(lines: ArrayLike<number>): Buffer {
    let size = 8 + Math.max(0, lines.length - 1);
    for (let k = 0; k < lines.length; k++) size += this.byteLength(lines[k]!);
    const out = Buffer.allocUnsafe(size);
    let pos = out.write('{"d":[', 0, 'latin1');
    for (let k = 0; k < lines.length; k++) {
      if (k > 0) out[pos++] = 44;
      const i = lines[k]!;
      pos += this.chunks[this.chunkOf[i]!]!.copy(out, pos, this.starts[i], this.ends[i]);
    }
    pos += out.write(']}', pos, 'latin1');
    return out.subarray(0, pos);
  }
}

function grow(a: Uint32Array, capacity: number): Uint32Array {
  const b = new Uint32Array(capacity);
  b.set(a);
  return b;
}
