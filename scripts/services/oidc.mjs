#!/usr/bin/env node
// A local OpenID Connect provider for demo mode and tests: panva's oidc-provider 8 (OpenID
// certified), with the demo people of server/demo/people.json as accounts and one client for
// kezek (authorization code with PKCE S256 only). Never for production: anyone can sign in as
// any demo account by choosing it from a list.
//
//   node scripts/services/oidc.mjs [--port N] [--host 127.0.0.1] [--client-id kezek]
//        [--client-secret S] [--redirect-uri URL]... [--post-logout-redirect-uri URL]...
//        [--people FILE]
//
//   env: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma-separated)
//
// Port 0 (the default) takes a free port. Once it accepts connections it prints one line,
//   oidc-provider listening on http://127.0.0.1:PORT
// and that URL is the issuer. The sign-in page (/interaction/UID) is a form with one select,
// "Demo account" (name `login`, values are account ids), and a "Sign in" button posting to
// /interaction/UID/login; consent is implied for the kezek client (a first-party client).
// ID tokens carry sub (the account id), iin, family_name, given_name and locale.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// oidc-provider is installed in tools/ (scripts/setup.sh runs npm ci there).
const requireFromTools = createRequire(join(root, 'tools', 'package.json'));
let Provider;
try {
  ({ default: Provider } = await import(requireFromTools.resolve('oidc-provider')));
} catch (error) {
  console.error(`oidc.mjs: oidc-provider is not installed in tools/ (run scripts/setup.sh): ${error.message}`);
  process.exit(3);
}

function parseArgs(argv) {
  const env = (name) => (process.env[name] ? process.env[name] : undefined);
  const options = {
    port: Number(env('OIDC_PORT') ?? 0),
    host: '127.0.0.1',
    clientId: env('OIDC_CLIENT_ID') ?? 'kezek',
    clientSecret: env('OIDC_CLIENT_SECRET'),
    redirectUris: (env('OIDC_REDIRECT_URIS') ?? '').split(',').filter(Boolean),
    postLogoutRedirectUris: [],
    people: join(root, 'server', 'demo', 'people.json'),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      i += 1;
      if (i >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[i];
    };
    switch (flag) {
      case '--port': options.port = Number(value()); break;
      case '--host': options.host = value(); break;
      case '--client-id': options.clientId = value(); break;
      case '--client-secret': options.clientSecret = value(); break;
      case '--redirect-uri': options.redirectUris.push(value()); break;
      case '--post-logout-redirect-uri': options.postLogoutRedirectUris.push(value()); break;
      case '--people': options.people = value(); break;
      default: throw new Error(`unknown argument ${flag}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0) throw new Error('--port must be a number');
  if (options.redirectUris.length === 0) options.redirectUris.push('http://127.0.0.1:8080/auth/callback');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const people = JSON.parse(readFileSync(options.people, 'utf8'));
const accounts = new Map();
for (const [kind, list] of [['citizen', people.citizens], ['staff', people.staff]]) {
  for (const person of list) accounts.set(person.id, { ...person, kind });
}

function findAccount(ctx, id) {
  const person = accounts.get(id);
  if (!person) return undefined;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        iin: person.iin,
        family_name: person.familyName,
        given_name: person.givenName,
        locale: person.locale,
      };
    },
  };
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  const option = (person) => {
    const role = person.kind === 'citizen' ? 'citizen' : `${person.role} ${person.locality ?? person.kindergarten}`;
    return `<option value="${escapeHtml(person.id)}">${escapeHtml(`${person.givenName} ${person.familyName} (${person.id}, ${role})`)}</option>`;
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo sign-in</title></head>
<body><main>
<h1>Demo sign-in</h1>
<p>A local test identity provider: choose a demo person. No password is asked.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="login">Demo account</label>
<select id="login" name="login">${[...accounts.values()].map(option).join('')}</select>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>
</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: randomBytes(8).toString('hex') };

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(options.port, options.host, resolve);
});
const { port } = server.address();
const issuer = `http://${options.host}:${port}`;

const client = {
  client_id: options.clientId,
  redirect_uris: options.redirectUris,
  post_logout_redirect_uris: options.postLogoutRedirectUris,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  ...(options.clientSecret
    ? { client_secret: options.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }
    : { token_endpoint_auth_method: 'none' }),
};

const provider = new Provider(issuer, {
  clients: [client],
  findAccount,
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [randomBytes(32).toString('hex')],
    // SameSite=None needs Secure, which plain loopback HTTP cannot give; Lax keeps the flow working.
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  claims: {
    openid: ['sub', 'iin'],
    profile: ['family_name', 'given_name', 'locale'],
  },
  scopes: ['openid', 'profile'],
  // Put the person's claims in the ID token itself (kezek reads the IIN from it).
  conformIdTokenClaims: false,
  pkce: { methods: ['S256'], required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The kezek client is first-party: consent to the scopes it asks for is implied.
  async loadExistingGrant(ctx) {
    const { session, client: rp } = ctx.oidc;
    if (!session.accountId) return undefined;
    const existing = session.grantIdFor(rp.clientId);
    if (existing) {
      const grant = await ctx.oidc.provider.Grant.find(existing);
      if (grant) return grant;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: rp.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid profile');
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body><main><h1>Sign-in error</h1><p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p></main></body></html>`;
  },
});

// The sign-in pages, in front of the provider's own routes.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/.exec(ctx.path);
  if (!match) return next();
  const [, uid, action] = match;
  ctx.set('cache-control', 'no-store');
  try {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    if (ctx.method === 'GET' && !action) {
      ctx.type = 'html';
      ctx.body = loginPage(uid);
      return undefined;
    }
    if (ctx.method !== 'POST' || !action) ctx.throw(405, 'method not allowed');
    let result;
    if (action === 'abort') {
      result = { error: 'access_denied', error_description: 'The person cancelled the sign-in' };
    } else {
      const login = (await readForm(ctx.req)).get('login') ?? '';
      if (!accounts.has(login)) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = loginPage(uid, 'Choose a demo account from the list');
        return undefined;
      }
      // `remember: false`: the provider's session ends with the browser session.
      result = { login: { accountId: login, remember: false } };
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
  } catch (error) {
    ctx.status = error.status ?? 400;
    ctx.type = 'text';
    ctx.body = `sign-in failed: ${error.message}`;
  }
  return undefined;
});

server.on('request', provider.callback());
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(`oidc-provider listening on ${issuer}`);
