#!/usr/bin/env node
// A fake SMS gateway for demo mode and tests: records every message POSTed to it, one JSON line
// per request, and can be told to fail or to hang, to test kezek's retries.
//
//   node scripts/services/sms.mjs --out FILE [--port N] [--host 127.0.0.1] [--api-key KEY]
//
//   env: SMS_PORT, SMS_API_KEY
//
// Port 0 (the default) takes a free port. Once it accepts connections it prints one line,
//   sms-gateway listening on http://127.0.0.1:PORT
//
// POST /messages  with `Authorization: Bearer KEY` (when --api-key is given), an
//   `Idempotency-Key` header and a JSON body { "to": "+7…", "text": "…", "idempotencyKey": "…" }.
//   Answers 200 { "id": "…" }, or 401 on a wrong key, 400 on a malformed body, or whatever the
//   control endpoint ordered. Every request is appended to FILE as
//   { "at": "…", "status": 200, "idempotencyKey": "…", "to": "…", "text": "…" }
//   (also the failed and hung ones, so tests can count attempts).
// POST /control   JSON { "fail": N, "status": 503 } makes the next N messages fail with that
//   status; { "hang": N } makes the next N messages be recorded and never answered;
//   { "reset": true } clears both. Answers 204.

import { createServer } from 'node:http';
import { appendFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const options = { port: Number(process.env.SMS_PORT ?? 0), host: '127.0.0.1', apiKey: process.env.SMS_API_KEY, out: undefined };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 1) {
  const value = () => {
    i += 1;
    if (i >= argv.length) throw new Error(`${argv[i - 1]} needs a value`);
    return argv[i];
  };
  switch (argv[i]) {
    case '--port': options.port = Number(value()); break;
    case '--host': options.host = value(); break;
    case '--api-key': options.apiKey = value(); break;
    case '--out': options.out = value(); break;
    default: throw new Error(`unknown argument ${argv[i]}`);
  }
}
if (!options.out) throw new Error('--out FILE is required');
writeFileSync(options.out, '', { flag: 'a' });

const orders = { fail: 0, failStatus: 503, hang: 0 };
const hung = [];

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res, status, body) {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  try {
    const body = await readBody(req);
    if (req.method === 'POST' && req.url === '/control') {
      const order = JSON.parse(body || '{}');
      if (order.reset) Object.assign(orders, { fail: 0, failStatus: 503, hang: 0 });
      if (Number.isInteger(order.fail)) orders.fail = order.fail;
      if (Number.isInteger(order.status)) orders.failStatus = order.status;
      if (Number.isInteger(order.hang)) orders.hang = order.hang;
      return reply(res, 204);
    }
    if (req.method !== 'POST' || req.url !== '/messages') return reply(res, 404, { error: 'not found' });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return reply(res, 401, { error: 'bad key' });
    let message;
    try {
      message = JSON.parse(body);
    } catch {
      return reply(res, 400, { error: 'not JSON' });
    }
    if (typeof message?.to !== 'string' || typeof message?.text !== 'string') return reply(res, 400, { error: 'to and text are required' });
    let status = 200;
    if (orders.hang > 0) {
      orders.hang -= 1;
      status = 'hung';
    } else if (orders.fail > 0) {
      orders.fail -= 1;
      status = orders.failStatus;
    }
    const record = {
      at: new Date().toISOString(),
      status,
      idempotencyKey: req.headers['idempotency-key'] ?? null,
      bodyKey: message.idempotencyKey ?? null,
      to: message.to,
      text: message.text,
    };
    appendFileSync(options.out, `${JSON.stringify(record)}\n`);
    if (status === 'hung') {
      hung.push(res);
      return undefined;
    }
    return reply(res, status, status === 200 ? { id: randomUUID() } : { error: 'gateway failure (ordered by the test)' });
  } catch (error) {
    return reply(res, 400, { error: error.message });
  }
});

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(options.port, options.host, resolve);
});
const stop = () => {
  for (const res of hung) res.destroy();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(`sms-gateway listening on http://${options.host}:${server.address().port}`);
