// Swagger UI for the Nexus API, on the document the server generates. A separate file (no
// inline script) so the page works under the same Content-Security-Policy as the rest.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    persistAuthorization: false,
  });
});
