// The Neo4j GraphQL Library over the hub's graph, one Node process, for bench/versus_peer.py.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 PEER_PORT=4000 node server.mjs
//
// PEER_AUTH=on adds authorization.graphql: tokens are verified against the hub's JWKS
// (PEER_JWKS_URL) with the hub's issuer and audience (PEER_JWT_ISSUER, PEER_JWT_AUDIENCE) and
// ES256 only, as the hub verifies its own. Prints "ready <url>" once it serves.
import { readFile } from "node:fs/promises";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const env = process.env;
const port = Number(env.PEER_PORT ?? "4000");
const authOn = env.PEER_AUTH === "on";
const here = (name) => readFile(new URL(name, import.meta.url), "utf8");

const typeDefs = [await here("typeDefs.graphql")];
const features = {
  // keyset pages over the uscc index, as the hub reads them
  filters: { String: { GT: true } },
  excludeDeprecatedFields: {
    bookmark: true,
    negationFilters: true,
    arrayFilters: true,
    stringAggregation: true,
    aggregationFilters: true,
  },
};
if (authOn) {
  typeDefs.push(await here("authorization.graphql"));
  const required = ["PEER_JWKS_URL", "PEER_JWT_ISSUER", "PEER_JWT_AUDIENCE"];
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`PEER_AUTH=on needs ${missing.join(", ")}`);
  }
  features.authorization = {
    key: { url: env.PEER_JWKS_URL },
    verifyOptions: {
      issuer: env.PEER_JWT_ISSUER,
      audience: env.PEER_JWT_AUDIENCE,
      algorithms: ["ES256"],
      typ: "at+jwt",
    },
  };
}

// the local benchmark Neo4j runs without authentication
const driver = neo4j.driver(env.NEO4J_URI ?? "bolt://127.0.0.1:7687");
await driver.verifyConnectivity();
const schema = await new Neo4jGraphQL({ typeDefs, driver, features }).getSchema();
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { port, host: "127.0.0.1" },
  context: async ({ req }) => ({ token: req.headers.authorization }),
});
console.log(`ready ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
