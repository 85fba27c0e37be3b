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
  // Signed in at /login, the browser sends the session cookie with each same-origin request: no header to paste.
  // Tools and people who prefer a token can still put {"Authorization": "Bearer ..."} in the Headers tab; it is
  // not kept in the browser's storage.
  const url = window.location.origin + "/graphql";
  const fetcher = GraphiQL.createFetcher({ url, headers: { "X-Requested-With": "GraphiQL" } });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  // GraphiQL reopens the stored tabs and adds one when the editor's stored content matches none of them; with
  // headers kept out of storage they always match. Headers an earlier version stored (the token placeholder
  // among them) are removed, so a reload can never bring the placeholder back.
  try {
    localStorage.removeItem("graphiql:headers");
    const state = JSON.parse(localStorage.getItem("graphiql:tabState") || "null");
    if (state && Array.isArray(state.tabs)) {
      state.tabs.forEach((tab) => { tab.headers = null; });
      localStorage.setItem("graphiql:tabState", JSON.stringify(state));
    }
  } catch (e) {
    // storage unavailable or unreadable: GraphiQL starts afresh with the example query
  }
  const props = {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    plugins: [explorer],
  };
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  // Where GraphiQL shows its name: the registry's, and the way out of the browser session.
  const logo = React.createElement(GraphiQL.Logo, null, "Registry · ",
    React.createElement("a", { href: "/logout", className: "registry-sign-out" }, "Sign out"));
  root.render(React.createElement(GraphiQL, props, logo));
})();
