import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/** What the script answers for one statement: rows, an error as Redshift reports it, or undefined (pass through). */
export type ScriptedReply =
  | { rows: Record<string, unknown>[]; command?: string }
  | { error: { code?: string; message: string; detail?: string } }
  | undefined;

/** One statement a client sent, with its bind parameters as text, in the order received. */
export interface ScriptedStatement {
  session: number;
  sql: string;
  params: (string | null)[];
}

/**
 * Answers statements as Redshift would; returning undefined passes the statement to the backing PostgreSQL on
 * this session's own connection (ledger tables, transactions), so a whole load can run against the script.
 */
export type RedshiftScript = (statement: ScriptedStatement) => ScriptedReply | Promise<ScriptedReply>;

/** A PostgreSQL wire-protocol server on 127.0.0.1 that the real `pg` client and knex's redshift client talk to. */
export interface ScriptedRedshift {
  host: string;
  port: number;
  /** Every statement received, in order. */
  statements: ScriptedStatement[];
  stop(): Promise<void>;
}

const TEXT_OID = 25;
const INT8_OID = 20;

class Writer {
  private parts: Buffer[] = [];
  byte(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }
  int16(value: number): this {
    const buffer = Buffer.alloc(2);
    buffer.writeInt16BE(value);
    this.parts.push(buffer);
    return this;
  }
  int32(value: number): this {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32BE(value);
    this.parts.push(buffer);
    return this;
  }
  cstring(value: string): this {
    this.parts.push(Buffer.from(`${value}\0`, 'utf8'));
    return this;
  }
  bytes(value: Buffer): this {
    this.parts.push(value);
    return this;
  }
  message(type: string): Buffer {
    const body = Buffer.concat(this.parts);
    const header = Buffer.alloc(5);
    header.write(type, 0, 'ascii');
    header.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([header, body]);
  }
}

class Reader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}
  int16(): number {
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }
  bytes(length: number): Buffer {
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

interface Result {
  fields: { name: string; oid: number }[];
  rows: (string | null)[][];
  tag: string;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  return String(value);
}

function scriptedResult(reply: { rows: Record<string, unknown>[]; command?: string }): Result {
  const names = reply.rows.length > 0 ? Object.keys(reply.rows[0]!) : [];
  const fields = names.map((name) => ({
    name,
    oid:
      typeof reply.rows[0]![name] === 'number' || typeof reply.rows[0]![name] === 'bigint'
        ? INT8_OID
        : TEXT_OID,
  }));
  return {
    fields,
    rows: reply.rows.map((row) => names.map((name) => toText(row[name]))),
    tag: reply.command ?? `SELECT ${reply.rows.length}`,
  };
}

function describe(result: Result): Buffer {
  const writer = new Writer().int16(result.fields.length);
  for (const field of result.fields) {
    writer.cstring(field.name).int32(0).int16(0).int32(field.oid).int16(-1).int32(-1).int16(0);
  }
  return writer.message('T');
}

function dataRows(result: Result): Buffer[] {
  return result.rows.map((row) => {
    const writer = new Writer().int16(row.length);
    for (const value of row) {
      if (value === null) writer.int32(-1);
      else {
        const bytes = Buffer.from(value, 'utf8');
        writer.int32(bytes.length).bytes(bytes);
      }
    }
    return writer.message('D');
  });
}

function errorMessage(error: { code?: string; message: string; detail?: string }): Buffer {
  const writer = new Writer()
    .byte(0x53)
    .cstring('ERROR')
    .byte(0x56)
    .cstring('ERROR')
    .byte(0x43)
    .cstring(error.code ?? 'XX000')
    .byte(0x4d)
    .cstring(error.message);
  if (error.detail) writer.byte(0x44).cstring(error.detail);
  return writer.byte(0).message('E');
}

const ready = (status: string) => new Writer().byte(status.charCodeAt(0)).message('Z');

/**
 * Starts the scripted Redshift. Each client connection gets a session number and its own connection to
 * `backingUrl` for the statements the script passes through; it speaks the simple and the extended query
 * protocol (Parse/Bind/Describe/Execute/Sync), refuses TLS (so clients must use `ssl: false`), and asks no
 * password.
 */
export async function startScriptedRedshift(
  backingUrl: string,
  script: RedshiftScript,
): Promise<ScriptedRedshift> {
  const statements: ScriptedStatement[] = [];
  const sockets = new Set<Socket>();
  let sessions = 0;

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const session = ++sessions;
    const backing = new pg.Client({
      connectionString: backingUrl,
      types: { getTypeParser: () => (value: string) => value },
    });
    const connected = backing.connect();
    let started = false;
    let buffered = Buffer.alloc(0);
    let inTransaction = false;
    let failed = false;
    let skipToSync = false;
    const prepared = new Map<string, string>();
    let portal: { sql: string; params: (string | null)[]; result?: Result; error?: Buffer } | undefined;
    let queue = Promise.resolve();

    async function run(sql: string, params: (string | null)[]): Promise<Result> {
      const statement = { session, sql, params };
      statements.push(statement);
      const reply = await script(statement);
      if (reply && 'error' in reply)
        throw Object.assign(new Error(reply.error.message), { wire: reply.error });
      if (reply) return scriptedResult(reply);
      await connected;
      try {
        const result = await backing.query({ text: sql, values: params, rowMode: 'array' });
        const command = result.command ?? '';
        const count = result.rowCount;
        const tag =
          count === null || count === undefined
            ? command
            : command === 'INSERT'
              ? `INSERT 0 ${count}`
              : `${command} ${count}`;
        return {
          fields: (result.fields ?? []).map((field) => ({ name: field.name, oid: field.dataTypeID })),
          rows: (result.rows as unknown[][]).map((row) => row.map(toText)),
          tag,
        };
      } catch (error) {
        const { code, message, detail } = error as { code?: string; message: string; detail?: string };
        throw Object.assign(new Error(message), { wire: { code, message, detail } });
      }
    }

    function track(sql: string, ok: boolean): void {
      const verb = sql.trim().split(/\s+/)[0]?.toUpperCase();
      if (!ok) {
        if (inTransaction) failed = true;
        return;
      }
      if (verb === 'BEGIN' || verb === 'START') inTransaction = true;
      if (verb === 'COMMIT' || verb === 'END' || verb === 'ROLLBACK') {
        inTransaction = false;
        failed = false;
      }
    }
    const status = () => (failed ? 'E' : inTransaction ? 'T' : 'I');

    async function handle(type: string, body: Buffer): Promise<void> {
      const reader = new Reader(body);
      if (type === 'Q') {
        const sql = reader.cstring();
        try {
          const result = await run(sql, []);
          track(sql, true);
          if (result.fields.length > 0) socket.write(describe(result));
          for (const row of dataRows(result)) socket.write(row);
          socket.write(new Writer().cstring(result.tag).message('C'));
        } catch (error) {
          track(sql, false);
          socket.write(errorMessage((error as { wire: { message: string } }).wire));
        }
        socket.write(ready(status()));
        return;
      }
      if (type === 'S') {
        skipToSync = false;
        portal = undefined;
        socket.write(ready(status()));
        return;
      }
      if (type === 'X') {
        socket.end();
        return;
      }
      if (type === 'H' || skipToSync) return;
      if (type === 'P') {
        const name = reader.cstring();
        prepared.set(name, reader.cstring());
        socket.write(new Writer().message('1'));
        return;
      }
      if (type === 'B') {
        reader.cstring();
        const statementName = reader.cstring();
        const formats = reader.int16();
        for (let index = 0; index < formats; index += 1) reader.int16();
        const count = reader.int16();
        const params: (string | null)[] = [];
        for (let index = 0; index < count; index += 1) {
          const length = reader.int32();
          params.push(length < 0 ? null : reader.bytes(length).toString('utf8'));
        }
        portal = { sql: prepared.get(statementName) ?? '', params };
        socket.write(new Writer().message('2'));
        return;
      }
      if (type === 'D') {
        const kind = String.fromCharCode(body[0]!);
        if (kind === 'S') {
          socket.write(new Writer().int16(0).message('t'));
          socket.write(new Writer().message('n'));
          return;
        }
        if (!portal) return;
        try {
          portal.result = await run(portal.sql, portal.params);
          track(portal.sql, true);
          socket.write(portal.result.fields.length > 0 ? describe(portal.result) : new Writer().message('n'));
        } catch (error) {
          track(portal.sql, false);
          socket.write(errorMessage((error as { wire: { message: string } }).wire));
          skipToSync = true;
        }
        return;
      }
      if (type === 'E') {
        if (!portal) return;
        if (!portal.result) {
          try {
            portal.result = await run(portal.sql, portal.params);
            track(portal.sql, true);
          } catch (error) {
            track(portal.sql, false);
            socket.write(errorMessage((error as { wire: { message: string } }).wire));
            skipToSync = true;
            return;
          }
        }
        for (const row of dataRows(portal.result)) socket.write(row);
        socket.write(new Writer().cstring(portal.result.tag).message('C'));
        return;
      }
      if (type === 'C') {
        socket.write(new Writer().message('3'));
      }
    }

    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (!started) {
          if (buffered.length < 8) return;
          const length = buffered.readInt32BE(0);
          if (buffered.length < length) return;
          const code = buffered.readInt32BE(4);
          buffered = buffered.subarray(length);
          if (code === 80877103 || code === 80877104) {
            socket.write('N');
            continue;
          }
          started = true;
          socket.write(new Writer().int32(0).message('R'));
          for (const [name, value] of [
            ['server_version', '8.0.2'],
            ['client_encoding', 'UTF8'],
            ['standard_conforming_strings', 'on'],
            ['DateStyle', 'ISO, MDY'],
            ['integer_datetimes', 'on'],
          ]) {
            socket.write(new Writer().cstring(name!).cstring(value!).message('S'));
          }
          socket.write(new Writer().int32(session).int32(0).message('K'));
          socket.write(ready('I'));
          continue;
        }
        if (buffered.length < 5) return;
        const length = buffered.readInt32BE(1);
        if (buffered.length < length + 1) return;
        const type = String.fromCharCode(buffered[0]!);
        const body = buffered.subarray(5, length + 1);
        buffered = buffered.subarray(length + 1);
        queue = queue
          .then(() => handle(type, body))
          .catch(() => {
            socket.destroy();
          });
      }
    });
    const close = () => {
      sockets.delete(socket);
      void connected.then(() => backing.end()).catch(() => undefined);
    };
    socket.on('close', close);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    statements,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
