// A real OpenID Provider for the single sign-on tests: the certified `oidc-provider` package, configured from the
// JSON file named on the command line (written by tests/oidc/support.py), listening on 127.0.0.1:<port>.
//
// Its own pages are oidc-provider's development pages (any password is accepted for a known login); consent is
// granted without a page, as for the province's own systems. Misbehaviours a relying party must refuse, each a
// real token of this provider altered the way a broken or hostile server would send it:
//   tamper "aud": the ID token is for another client, naming the platform only as its authorized party (azp),
//                 re-signed with the provider's key;
//   tamper "iss": the ID token names another issuer (re-signed with the provider's key);
//   tamper "key": the ID token is signed with a key that is not in the provider's JWKS;
//   tokenDelayMs: the token endpoint answers that long after signing (with idTokenTtl 1 s: an expired token).
import { readFileSync } from 'node:fs';

import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

async function signingKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: 'sso-test', alg: 'RS256', use: 'sig' };
}

const jwk = await signingKey();
const accounts = config.accounts;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [jwk] },
  ttl: { IdToken: config.idTokenTtl || 3600 },
  claims: { openid: ['sub'], profile: ['name', 'employee_code'], email: ['email', 'email_verified'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) };
  },
  async loadExistingGrant(ctx) {
    // Every scope the client asks for is granted: no consent page.
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) return oidc.provider.Grant.find(grantId);
    const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    grant.addOIDCScope(oidc.params.scope);
    await grant.save();
    return grant;
  },
});

async function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head><body>
    <h1>Sign out of the test provider?</h1>${form}
    <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></body></html>`;
}

async function tampered(idToken) {
  const claims = decodeJwt(idToken);
  let key = jwk;
  if (config.tamper === 'aud') Object.assign(claims, { aud: 'another-client', azp: claims.aud });
  if (config.tamper === 'iss') claims.iss = 'http://127.0.0.1:1/another-issuer';
  if (config.tamper === 'key') key = await signingKey();
  return new SignJWT(claims).setProtectedHeader(decodeProtectedHeader(idToken)).sign(await importJWK(key, 'RS256'));
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body?.id_token) return;
  if (config.tamper) ctx.body.id_token = await tampered(ctx.body.id_token);
  if (config.tokenDelayMs) await new Promise((resolve) => { setTimeout(resolve, config.tokenDelayMs); });
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
