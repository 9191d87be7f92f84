"""The credit services of the single window (Zhengzhou plan 八.1): identity verification
(`identity`), the credit record (`record`), the commodity query and its data files
(`commodity`), and the reads behind them and the transport and trade queries (`reads`,
`cypher`). The GraphQL side is `hub.api.lookups`."""
