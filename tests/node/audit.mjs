// Runs graphql-http's GraphQL-over-HTTP server audits against a served registry and prints one JSON line per
// audit: {id, name, status, reason}. Usage: node audit.mjs URL TOKEN (the token goes in every request).
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${token}` } });
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  console.log(JSON.stringify({ id: audit.id, name: audit.name, status: result.status, reason: result.reason }));
}
