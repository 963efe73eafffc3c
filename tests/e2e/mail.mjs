// The local SMTP server (scripts/services/smtp.py, aiosmtpd) for the browser tests: start it on a
// free or given port, stop it, start it again on the same port, and read what kezek sent. Each
// accepted message is a file DIR/<nanoseconds>-<n>.eml (written whole, then renamed).
//
//   const smtp = await startSmtp(dir);           // { port, stop() }
//   env: KEZEK_SMTP_HOST=127.0.0.1, KEZEK_SMTP_PORT=smtp.port, KEZEK_SMTP_TLS=none, KEZEK_MAIL_FROM=…
//   await smtp.stop();                            // the server is down: kezek retries
//   const again = await startSmtp(dir, smtp.port);
//   const mail = await waitForMail(dir, (m) => m.subject.includes(number));
//   mail.subject, mail.text, mail.to, mail.messageId, mail.headers
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, whileAddressInUse } from "./harness.mjs";

const PYTHON = join(ROOT, "tools/.venv/bin/python");

/** Starts a child process and resolves once it prints "listening on ADDRESS" on stdout. */
export function startListening(name, command, args, options = {}) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], ...options });
  let errors = "";
  child.stderr.on("data", (chunk) => { errors += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`${name} did not start in 60 s: ${errors}`)); }, 60_000);
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        child.stdout.resume(); // keep draining, so the process never blocks on a full pipe
        const exited = new Promise((done) => child.once("exit", done));
        resolve({
          address: m[1],
          child,
          /** SIGKILL and wait for the exit (a crash, not a clean shutdown). */
          stop: async () => { if (child.exitCode === null && child.signalCode === null) { child.kill("SIGKILL"); await exited; } },
        });
      }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}: ${errors}`)); });
  });
}

/** Starts the SMTP server writing to `dir` on `port` (0: a free one). A given port (a restart
 * after an outage) is tried again for a few seconds while it is in use: any outgoing connection
 * on the machine may hold it as its ephemeral port meanwhile. */
export async function startSmtp(dir, port = 0) {
  if (!existsSync(PYTHON)) throw new Error("tools/.venv is missing: run scripts/setup.sh (it installs aiosmtpd)");
  mkdirSync(dir, { recursive: true });
  const start = () => startListening("smtp", PYTHON, ["scripts/services/smtp.py", "--dir", dir, "--port", String(port)]);
  const service = await whileAddressInUse(start, { attempts: port === 0 ? 1 : 10, pauseMs: 500 });
  return { ...service, port: Number(service.address.split(":").pop()) };
}

/** RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) decoded. */
export function decodeWords(text) {
  return text
    .replace(/\?=\s+=\?/g, "?==?") // whitespace between encoded words is not part of the text
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, encoding, data) => {
      const bytes = encoding.toLowerCase() === "b"
        ? Buffer.from(data, "base64")
        : Buffer.from(data.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1");
      return new TextDecoder(charset).decode(bytes);
    });
}

/** A raw message parsed: headers (lower-case names, unfolded, decoded) and the decoded text. */
export function parseMail(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers["content-transfer-encoding"] ?? "").toLowerCase();
  let text = body;
  if (encoding === "base64") text = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  else if (encoding === "quoted-printable") {
    text = Buffer.from(body.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
  }
  return {
    headers,
    subject: headers.subject ?? "",
    to: headers["x-envelope-to"] ?? "",
    messageId: headers["message-id"] ?? "",
    text,
  };
}

/** Every message in `dir`, oldest first. */
export function readMails(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".eml"))
    .sort()
    .map((name) => ({ file: name, ...parseMail(readFileSync(join(dir, name), "utf8")) }));
}

/** Resolves with the first message of `dir` that `predicate` accepts; rejects after `timeout` ms. */
export async function waitForMail(dir, predicate, timeout = 30_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const found = readMails(dir).find(predicate);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no such mail in ${dir} after ${timeout} ms; there are: ${readMails(dir).map((m) => m.subject).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
