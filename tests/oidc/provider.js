// A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (OpenID Certified), with its
// development login pages. It listens on a free loopback port and prints {"issuer": ...} once ready.
// Start it with `node provider.js` after `npm ci` in this folder (scripts/setup.sh does it for ./dev test).
//
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma-separated) register the registry as
// a client; OIDC_CLOCK_SKEW_SECONDS runs the provider's clock that far off (negative: behind), which is how a
// test gets an ID token that has already expired when it arrives.
import http from "node:http";
import Provider from "oidc-provider";

const skew = Number(process.env.OIDC_CLOCK_SKEW_SECONDS || 0) * 1000;
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew;
}

// The people of the tests: the login name on the provider's page is the account id; any password is accepted.
const ACCOUNTS = {
  alice: { email: "alice@januscaler.example", name: "Alice Dpo", groups: ["dpo-team"] },
  adam: { email: "adam@januscaler.example", name: "Adam Admin", groups: ["admins", "dpo-team"] },
  mallory: { email: "mallory@januscaler.example", name: "Mallory Marketing", groups: ["marketing"] },
  eve: { email: "eve@elsewhere.example", name: "Eve Outside", groups: ["dpo-team"] },
};

const configuration = {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID || "registry",
    client_secret: process.env.OIDC_CLIENT_SECRET || "registry-test-secret",
    redirect_uris: (process.env.OIDC_REDIRECT_URIS || "").split(",").filter(Boolean),
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    groups: ["groups"],
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: account.name, groups: account.groups };
      },
    };
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["registry-tests-only-cookie-key"] },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 86400, Interaction: 3 * 3600,
    Session: 86400,
  },
};

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  // "localhost", while the registry answers at 127.0.0.1: another site to the browser, as a real provider is,
  // so the sign-in also proves the cookies' SameSite=Lax lets the provider's redirect back in.
  const issuer = `http://localhost:${port}`;
  const provider = new Provider(issuer, configuration);
  provider.on("server_error", (ctx, err) => console.error("server_error", err));
  server.on("request", provider.callback());
  console.log(JSON.stringify({ issuer }));
});
