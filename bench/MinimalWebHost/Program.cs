using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

// `minimal-web-host --urls http://127.0.0.1:PORT`: answers GET /healthz, nothing else.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok\n"));
await app.RunAsync();
