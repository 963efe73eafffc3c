// Chromium driven over its own DevTools pipe (`--remote-debugging-pipe`: JSON messages ended by
// a NUL byte, on file descriptors 3 and 4), with nothing between this script and the browser.
// For the cold-load benchmark: Playwright keeps sessions of its own on every page (its runtime,
// page and network events, its utility world), which cost this 2-core machine 20-30 ms of CPU
// per load in the driver and the browser beside the page; in loads alternating between the two
// drivers the page was usable 7-22 ms sooner with this one (three runs of 20 loads each way).
// The tests keep Playwright.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS, WITHOUT_FEATURES } from "../tests/e2e/harness.mjs";

/** Starts Chromium (the tests' switches, a fresh profile) and returns `{ send, on, close }`:
 * `send(method, params, sessionId)` answers with the command's result or throws its error;
 * `on(listener)` hears every event (`{ method, params, sessionId }`) and returns its removal. */
export function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), "kezek-bench-"));
  const child = spawn(process.env.CHROMIUM ?? "/usr/bin/chromium", [
    ...CHROMIUM_ARGS, `--disable-features=${WITHOUT_FEATURES.join(",")}`,
    `--user-data-dir=${profile}`, "--remote-debugging-pipe", "--no-startup-window",
  ], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
  const [, , , input, output] = child.stdio;
  const waiting = new Map();
  const listeners = new Set();
  let nextId = 0;
  let pending = "";
  output.setEncoding("utf8"); // a character split between two reads stays whole
  output.on("data", (chunk) => {
    pending += chunk;
    for (let end = pending.indexOf("\0"); end >= 0; end = pending.indexOf("\0")) {
      const message = JSON.parse(pending.slice(0, end));
      pending = pending.slice(end + 1);
      const call = waiting.get(message.id);
      if (call) {
        waiting.delete(message.id);
        if (message.error) call.reject(new Error(`${call.method}: ${message.error.message}`));
        else call.resolve(message.result);
      } else if (message.method) {
        for (const listener of listeners) listener(message);
      }
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  exited.then(() => {
    for (const call of waiting.values()) call.reject(new Error(`${call.method}: Chromium exited`));
  });
  return {
    send(method, params = {}, sessionId = undefined) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { method, resolve, reject });
        input.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
      });
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      input.write(`${JSON.stringify({ id: ++nextId, method: "Browser.close", params: {} })}\0`);
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
