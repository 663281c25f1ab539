/**
 * The rows of one table of a SQLite 3 database file, read from its bytes: what the browsers' NSS
 * certificate database (cert9.db) holds, without starting `certutil` — a process of its own that took
 * longer than a one-endpoint check's whole handshake.
 *
 * Read-only and bounded: the file format (https://www.sqlite.org/fileformat2.html) is walked from the
 * schema table to the one table's B-tree, every page at most once, every overflow chain to its stated
 * length. Anything this reader does not handle (UTF-16 text, a page that is not a table B-tree page,
 * a pointer outside the file, a loop) is a SqliteReadError: the caller then asks the real tool.
 * The caller also checks for a write-ahead log or a hot journal beside the file, whose content this
 * reader would not see.
 */

export class SqliteReadError extends Error {}

export type SqliteValue = null | number | string | Buffer;

export interface SqliteTable {
  columns: string[];
  rows: SqliteValue[][];
}

const MAGIC = 'SQLite format 3\0';
const LEAF_TABLE = 0x0d;
const INTERIOR_TABLE = 0x05;

class Reader {
  readonly pageSize: number;
  readonly usable: number;
  private readonly pageCount: number;
  private readonly seen = new Set<number>();

  constructor(private readonly db: Buffer) {
    if (db.length < 100 || db.toString('latin1', 0, 16) !== MAGIC) throw new SqliteReadError('not a SQLite 3 database');
    const size = db.readUInt16BE(16);
    this.pageSize = size === 1 ? 65536 : size;
    if (this.pageSize < 512 || (this.pageSize & (this.pageSize - 1)) !== 0) throw new SqliteReadError(`page size ${size}`);
    this.usable = this.pageSize - db[20];
    if (this.usable < 480) throw new SqliteReadError('reserved space too large');
    const encoding = db.readUInt32BE(56);
    if (encoding > 1) throw new SqliteReadError('UTF-16 text');
    this.pageCount = Math.floor(db.length / this.pageSize);
  }

  /** Start of page `n` (1-based) in the file; every page is visited at most once per read. */
  private page(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > this.pageCount) throw new SqliteReadError(`page ${n} is outside the file`);
    if (this.seen.has(n)) throw new SqliteReadError(`page ${n} is reached twice`);
    this.seen.add(n);
    return (n - 1) * this.pageSize;
  }

  /** Every record (rowid, payload) of the table B-tree rooted at `root`. */
  tableRecords(root: number): { rowid: number; payload: Buffer }[] {
    const out: { rowid: number; payload: Buffer }[] = [];
    const pending = [root];
    while (pending.length) {
      const n = pending.pop()!;
      const start = this.page(n);
      const header = start + (n === 1 ? 100 : 0);
      const type = this.db[header];
      const cells = this.db.readUInt16BE(header + 3);
      const interior = type === INTERIOR_TABLE;
      if (!interior && type !== LEAF_TABLE) throw new SqliteReadError(`page ${n} is not a table page (type ${type})`);
      const pointers = header + (interior ? 12 : 8);
      if (pointers + 2 * cells > start + this.pageSize) throw new SqliteReadError(`page ${n}: too many cells`);
      if (interior) pending.push(this.db.readUInt32BE(header + 8));
      for (let i = 0; i < cells; i++) {
        const cell = start + this.db.readUInt16BE(pointers + 2 * i);
        if (cell >= start + this.pageSize) throw new SqliteReadError(`page ${n}: a cell outside the page`);
        if (interior) { pending.push(this.db.readUInt32BE(cell)); continue; }
        const [size, afterSize] = varint(this.db, cell);
        const [rowid, afterRowid] = varint(this.db, afterSize);
        out.push({ rowid, payload: this.payload(afterRowid, size) });
      }
    }
    return out;
  }

  /** A table leaf cell's payload of `size` bytes starting at `at`, with its overflow pages. */
  private payload(at: number, size: number): Buffer {
    const maxLocal = this.usable - 35;
    let local = size;
    if (size > maxLocal) {
      const minLocal = Math.floor(((this.usable - 12) * 32) / 255) - 23;
      const k = minLocal + ((size - minLocal) % (this.usable - 4));
      local = k <= maxLocal ? k : minLocal;
    }
    if (at + local > this.db.length) throw new SqliteReadError('a record runs past the end of the file');
    const parts = [this.db.subarray(at, at + local)];
    let remaining = size - local;
    let next = remaining > 0 ? this.db.readUInt32BE(at + local) : 0;
    while (remaining > 0) {
      const start = this.page(next);
      const take = Math.min(remaining, this.usable - 4);
      parts.push(this.db.subarray(start + 4, start + 4 + take));
      remaining -= take;
      next = this.db.readUInt32BE(start);
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

}

/** A SQLite varint at `at`: 1 to 9 bytes, big-endian, 7 bits a byte (all 8 in the ninth). */
function varint(bytes: Buffer, at: number): [value: number, next: number] {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= bytes.length) throw new SqliteReadError('a record runs past its end');
    const b = bytes[at + i];
    if (i === 8) return [v * 256 + b, at + 9];
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) return [v, at + i + 1];
  }
  return [v, at + 9];
}

/** The values of one record (https://www.sqlite.org/fileformat2.html#record_format). */
function recordValues(payload: Buffer): SqliteValue[] {
  const [headerEnd, first] = varint(payload, 0);
  const types: number[] = [];
  for (let at = first; at < headerEnd;) {
    const [t, next] = varint(payload, at);
    types.push(t);
    at = next;
  }
  let at = headerEnd;
  const take = (n: number) => {
    if (at + n > payload.length) throw new SqliteReadError('a value runs past its record');
    const v = payload.subarray(at, at + n);
    at += n;
    return v;
  };
  return types.map(t => {
    if (t === 0) return null;
    if (t >= 1 && t <= 6) {
      const bytes = take([0, 1, 2, 3, 4, 6, 8][t]);
      return Number(bytes.length === 8 ? bytes.readBigInt64BE() : bytes.readIntBE(0, bytes.length));
    }
    if (t === 7) return take(8).readDoubleBE();
    if (t === 8 || t === 9) return t - 8;
    if (t >= 12) {
      const bytes = take(Math.floor((t - 12) / 2));
      return t % 2 === 0 ? Buffer.from(bytes) : bytes.toString('utf8');
    }
    throw new SqliteReadError(`serial type ${t}`);
  });
}

/** Column names of a `CREATE TABLE name (col decl, ...)` statement, and which one is the rowid (INTEGER PRIMARY KEY). */
function columnsOf(sql: string): { columns: string[]; rowidColumn: number } {
  const open = sql.indexOf('(');
  const close = sql.lastIndexOf(')');
  if (open < 0 || close < open) throw new SqliteReadError('a table without a column list');
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of sql.slice(open + 1, close)) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { items.push(current); current = ''; } else current += ch;
  }
  items.push(current);
  const columns: string[] = [];
  let rowidColumn = -1;
  for (const item of items.map(i => i.trim())) {
    if (/^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b/i.test(item)) continue;
    const m = /^(?:"((?:[^"]|"")+)"|`([^`]+)`|\[([^\]]+)\]|([^\s]+))\s*(.*)$/s.exec(item);
    if (!m) throw new SqliteReadError(`a column definition "${item.slice(0, 40)}"`);
    if (/^INTEGER\s+PRIMARY\s+KEY\b/i.test(m[5])) rowidColumn = columns.length;
    columns.push((m[1]?.replace(/""/g, '"') ?? m[2] ?? m[3] ?? m[4]));
  }
  return { columns, rowidColumn };
}

/** The rows of table `name` (at most `maxRows`); throws SqliteReadError when the file cannot be read here. */
export function readSqliteTable(db: Buffer, name: string, maxRows = 100_000): SqliteTable {
  const reader = new Reader(db);
  const schema = reader.tableRecords(1).map(r => recordValues(r.payload));
  const entry = schema.find(v => v[0] === 'table' && typeof v[1] === 'string' && v[1].toLowerCase() === name.toLowerCase());
  if (!entry || typeof entry[3] !== 'number' || typeof entry[4] !== 'string') throw new SqliteReadError(`no table ${name}`);
  const { columns, rowidColumn } = columnsOf(entry[4]);
  const records = reader.tableRecords(entry[3]);
  if (records.length > maxRows) throw new SqliteReadError(`more than ${maxRows} rows`);
  const rows = records.map(({ rowid, payload }) => {
    const values = recordValues(payload);
    const row = columns.map((_, i) => values[i] ?? null);
    if (rowidColumn >= 0) row[rowidColumn] = rowid;
    return row;
  });
  return { columns, rows };
}
