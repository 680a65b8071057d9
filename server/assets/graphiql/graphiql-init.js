// GraphiQL against this server's /api/graphql. Requests go with the page's cookies, so a
// signed-in browser session can query `me`, its lists and For you.
const example = `# One round trip: a movie, its cast and related movies, and what you did with it
# ("mine" is null until you sign in on this site).
query Movie {
  movie(id: 155) {
    title
    mine { favorite watchlist rating }
    year
    runtime
    directors
    cast { name character }
    recommendations { totalPages results { id title year } }
  }
}
`;
const fetcher = GraphiQL.createFetcher({ url: "/api/graphql" });
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: example,
    defaultEditorToolsVisibility: true,
  }),
);
