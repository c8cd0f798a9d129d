// Worker thread behind the synchronous PostgreSQL connection (src/db/pg/sync-pg.ts). It owns one
// pg.Client; each request arrives on its port, and the answer goes back on the same port before the
// main thread, blocked in Atomics.wait on the shared signal word, is woken. Types come back the way
// better-sqlite3 gives them: int8 and numeric as numbers, booleans as 1/0.
'use strict';
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);

pg.types.setTypeParser(20, (v) => Number(v)); // int8 (count(*), BIGINT columns)
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric (sum, avg of integers)
pg.types.setTypeParser(16, (v) => (v === 't' ? 1 : 0)); // bool (EXISTS, comparisons)

const { port, signal, url } = workerData;
// A malformed URL throws here, before any request: it must become every request's answer, not a
// dead worker the caller waits on.
let client = null;
let setupError = null;
try {
  client = new pg.Client({ connectionString: url, application_name: workerData.name || 'flarewatch' });
} catch (e) {
  setupError = e;
}
// Once the connection is gone (server restart, network, pg_terminate_backend) every later request
// is answered `lost`: the caller's process decides (the monitor stops so its supervisor restarts it).
let broken = null;
if (client) {
  client.on('error', (e) => { broken = broken || e; });
  client.on('end', () => { broken = broken || new Error('the connection to PostgreSQL ended'); });
}
const LOST_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const isLost = (e) => !!broken || LOST_CODES.has(e && e.code) || /Connection terminated|ECONNRESET|EPIPE|not queryable/.test((e && e.message) || '');
const ready = setupError ? Promise.reject(setupError) : client.connect().then(async () => {
  await client.query("SET TIME ZONE 'UTC'");
  if (workerData.schema) {
    const q = '"' + String(workerData.schema).replace(/"/g, '""') + '"';
    if (!workerData.readonly) await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`).catch((e) => { if (e.code !== '23505' && e.code !== '42P06') throw e; });
    await client.query(`SET search_path TO ${q}`);
  }
  if (workerData.readonly) await client.query('SET default_transaction_read_only = on');
  if (workerData.statementTimeoutMs) await client.query(`SET statement_timeout = ${Number(workerData.statementTimeoutMs)}`);
});
ready.catch(() => undefined); // a failure is the answer to each request (below)

// Each distinct statement is prepared once on the server (named), then only bound and executed.
const names = new Map();
// (Cursor statements, whose text carries a fresh cursor name each time, are not kept; nor is
// anything past MAX_NAMED distinct texts.)
const MAX_NAMED = 5000;
function named(sql, values) {
  let name = names.get(sql);
  if (!name && names.size < MAX_NAMED && !/^\s*(DECLARE|FETCH|CLOSE)\b/i.test(sql)) { name = 'fw' + names.size; names.set(sql, name); }
  return name ? { name, text: sql, values, rowMode: 'array' } : { text: sql, values, rowMode: 'array' };
}

// A parameter as a quoted literal ('…', E'…' when it holds a backslash): untyped, so PostgreSQL
// types it from where it stands, as it types a parameter. Arrays, dates, buffers and objects take
// the text form pg would send for them.
function literal(v) {
  if (v === null || v === undefined) return 'NULL';
  const text = pg.utils.prepareValue(v);
  if (text === null) return 'NULL';
  return client.escapeLiteral(String(text));
}

/** A statement with its $n placeholders replaced by literals (strings and comments left alone). */
function inline(sql, params) {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") {
      const j = sql.indexOf("'", i + 1);
      let end = j < 0 ? sql.length : j;
      while (sql[end + 1] === "'") { const k = sql.indexOf("'", end + 2); end = k < 0 ? sql.length : k; }
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '"') {
      const j = sql.indexOf('"', i + 1);
      const end = j < 0 ? sql.length : j;
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] || '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j])) j++;
      out += literal(params[Number(sql.slice(i + 1, j)) - 1]);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

function errorReply(e) {
  return { ok: false, lost: isLost(e), message: e && e.message ? e.message : String(e), code: e && e.code, detail: e && e.detail, position: e && e.position };
}

port.on('message', async (msg) => {
  let reply = null;
  try {
    try {
      await ready;
    } catch (e) {
      reply = { ...errorReply(e), connect: true }; // could not connect or set the session up
      throw e;
    }
    if (broken) throw broken;
    if (msg.op === 'query') {
      const r = await client.query(named(msg.sql, msg.params));
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      reply = { ok: true, fields: (last.fields || []).map((f) => f.name), rows: last.rows || [], count: last.rowCount || 0 };
    } else if (msg.op === 'batch') {
      // deferred writes of a transaction, in order. Several go to the server as one simple query
      // (their parameters written as quoted literals, which take their type from the context as
      // parameters do): one round trip instead of one per statement. Should it fail, PostgreSQL
      // has aborted the transaction, which the caller then rolls back.
      const results = [];
      let failed = null;
      let together = null;
      if (msg.items.length > 1) {
        try {
          const r = await client.query(msg.items.map((it) => inline(it.sql, it.params)).join(';\n'));
          together = Array.isArray(r) ? r : [r];
        } catch (e) {
          if (isLost(e)) reply = errorReply(e);
          else failed = { index: 0, ...errorReply(e), whole: true };
        }
      }
      if (together && together.length !== msg.items.length) {
        // never run them again one by one: they have been applied already
        failed = { index: 0, ok: false, whole: true, message: `${msg.items.length} queued writes gave ${together.length} results` };
      } else if (together) {
        for (const r of together) {
          const last = r.rows && r.rows.length ? r.rows[r.rows.length - 1] : null;
          results.push({ count: r.rowCount || 0, first: last ? Object.values(last)[0] : null });
        }
      } else if (!reply && !failed) {
        for (const item of msg.items) {
          try {
            const r = await client.query(named(item.sql, item.params));
            results.push({ count: r.rowCount || 0, first: r.rows && r.rows.length ? r.rows[r.rows.length - 1][0] : null });
          } catch (e) {
            failed = { index: results.length, ...errorReply(e) };
            if (failed.lost) reply = errorReply(e);
            break;
          }
        }
      }
      if (!reply) reply = { ok: true, results, failed };
    } else if (msg.op === 'exec') {
      const r = await client.query(msg.sql);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      // COMMIT of a transaction PostgreSQL had aborted answers ROLLBACK, without an error
      reply = { ok: true, command: last && last.command };
    } else if (msg.op === 'close') {
      await client.end();
      reply = { ok: true };
    } else {
      reply = { ok: false, message: `unknown request ${msg.op}` };
    }
  } catch (e) {
    if (!reply) reply = errorReply(e);
  }
  reply.id = msg.id;
  port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
