// A federation gateway composing the hub with a second subgraph, as a pilot zone would run it.
//   HUB_URL=http://127.0.0.1:8000/graphql GATEWAY_TOKEN=... node gateway.mjs
// Starts the "platform" subgraph (an e-commerce platform adding a store rating to Enterprise)
// and an @apollo/gateway composing it with the hub (IntrospectAndCompose); forwards each
// caller's Authorization and X-Purpose to the hub. Prints {"gateway": url} once serving.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import gql from 'graphql-tag';

const hubUrl = process.env.HUB_URL;
const gatewayToken = process.env.GATEWAY_TOKEN;
const watched = (process.env.PLATFORM_USCCS || '').split(',').filter(Boolean);

// The platform's own data: a store rating per enterprise, from the USCC so tests can check it.
const storeRating = (uscc) => (uscc.charCodeAt(uscc.length - 2) % 50) / 10;

const platform = new ApolloServer({
  schema: buildSubgraphSchema([{
    typeDefs: gql`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      type Enterprise @key(fields: "uscc") {
        uscc: ID!
        storeRating: Float!
      }
      type Query {
        topStores: [Enterprise!]!
      }
    `,
    resolvers: {
      Query: { topStores: () => watched.map((uscc) => ({ uscc })) },
      Enterprise: {
        __resolveReference: ({ uscc }) => ({ uscc }),
        storeRating: ({ uscc }) => storeRating(uscc),
      },
    },
  }]),
});
const { url: platformUrl } = await startStandaloneServer(platform, { listen: { port: 0 } });

class ForwardingDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    // composition asks with the gateway's own token; every query with its caller's
    const authorization = context?.authorization || `Bearer ${gatewayToken}`;
    request.http.headers.set('authorization', authorization);
    if (context?.purpose) request.http.headers.set('x-purpose', context.purpose);
  }
}

// @apollo/gateway cannot enforce @requiresScopes and refuses a supergraph that marks it as a
// SECURITY feature; unmarked, the gateway ignores the directive. The hub enforces every scope
// itself, which is what the tests through this gateway check. (A router that enforces it,
// such as Apollo Router or Hive Gateway, reads the same directives.)
const ignoreScopes = (sdl) =>
  sdl.replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v[\d.]+"), for: SECURITY\)/g, '$1)');
const composer = new IntrospectAndCompose({
  subgraphs: [
    { name: 'hub', url: hubUrl },
    { name: 'platform', url: platformUrl },
  ],
});
const gateway = new ApolloGateway({
  supergraphSdl: async (options) => {
    const composed = await composer.initialize({
      ...options,
      update: (sdl) => options.update(ignoreScopes(sdl)),
    });
    return { ...composed, supergraphSdl: ignoreScopes(composed.supergraphSdl) };
  },
  buildService: ({ url }) => new ForwardingDataSource({ url }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: 0 },
  context: async ({ req }) => ({
    authorization: req.headers.authorization,
    purpose: req.headers['x-purpose'],
  }),
});
process.stdout.write(JSON.stringify({ gateway: url, platform: platformUrl }) + '\n');
