using System.Net;
using Gateway.ForwarderFloor;
using Yarp.ReverseProxy.Forwarder;

// The least a YARP-based proxy can do for bench/run's scenario: Kestrel, one prefix check, a 90/10 pick, prefix strip
// and X-Forwarded headers, YARP's IHttpForwarder with one shared client. No routing, no middleware, no telemetry, no
// limiter. It reads the same appsettings.json and arguments as the gateway contender, and marks what YARP, Kestrel and
// HttpClient cost on their own: the floor of the gateway's CPU per request.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var listen = builder.Configuration["Gateway:Listen:Http"] ?? throw new InvalidOperationException("Gateway:Listen:Http is required");
var admin = builder.Configuration["Gateway:Admin:Url"] ?? throw new InvalidOperationException("Gateway:Admin:Url is required");
builder.WebHost.UseUrls(listen, admin);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddHttpForwarder();

var app = builder.Build();
var primary = app.Configuration["Gateway:Backends:model-v1:Endpoints:0"] ?? throw new InvalidOperationException("model-v1 has no endpoint");
var canary = app.Configuration["Gateway:Backends:model-v2:Endpoints:0"] ?? throw new InvalidOperationException("model-v2 has no endpoint");
var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var transformer = new PrefixStripTransformer(ScenarioPrefix.Value);
var adminPort = new Uri(admin).Port;

app.Run(Forward);
app.Run();

Task Forward(HttpContext context)
{
    if (context.Connection.LocalPort == adminPort)
    {
        return Task.CompletedTask;
    }

    if (!context.Request.Path.StartsWithSegments(ScenarioPrefix.Value))
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    var destination = Random.Shared.Next(100) < 90 ? primary : canary;
    // The error is in the forwarder feature; the floor does not act on it.
    return forwarder.SendAsync(context, destination, client, ForwarderRequestConfig.Empty, transformer).AsTask();
}
