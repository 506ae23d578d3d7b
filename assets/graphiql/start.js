// Starts GraphiQL on this service's /graphql (queries and mutations over HTTP; everything it
// loads is served by the service itself, so it works offline).
(function () {
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
