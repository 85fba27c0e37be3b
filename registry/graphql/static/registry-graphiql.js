// Starts GraphiQL against this registry with an example query a privacy team would ask first.
// Kept out of the HTML so the page's Content-Security-Policy can forbid inline scripts.
(function () {
  const DEFAULT_QUERY = `# The registry of processing activities (GDPR Art 30).
# Press the play button (or Ctrl-Enter) to run. Docs: the book icon on the left.
#
# Which data, for which purpose, on which lawful basis, kept how long,
# shared with whom, sent where and how?
query RecordsOfProcessing {
  organization(slug: "jalendos-kramax") {
    legalName
    processingActivities {
      name
      role
      purposes { name lawfulBases { article title } }
      dataCategories { key name specialCategory }
      retentionRules { covers period trigger }
      recipients { name kind }
      transfers {
        destination { code name adequacy }
        mechanism { code title article }
      }
    }
  }
}
`;
  const url = window.location.origin + "/graphql";
  const fetcher = GraphiQL.createFetcher({ url });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: "headers",
      // Every query needs an API token: the first start of the registry prints one. Paste it here once.
      defaultHeaders: JSON.stringify({ Authorization: "Bearer PASTE-THE-TOKEN-PRINTED-AT-FIRST-START" }, null, 2),
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      plugins: [explorer],
    })
  );
})();
