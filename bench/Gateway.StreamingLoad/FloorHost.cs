using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.StreamingLoad;

/// <summary>
/// The child side of the floor contender: Kestrel and YARP's <see cref="IHttpForwarder"/> with one client, forwarding
/// every request to the model server, or to the stream source when it carries <see cref="StreamHeader"/>; no routing,
/// middleware, telemetry or body reading. It is the least any YARP-based proxy spends, so the gateway's own cost is what
/// it adds on top.
/// </summary>
internal static class FloorHost
{
    public const string Argument = "--serve-floor";

    /// <summary>Sent with every long-stream request; the gateways ignore it.</summary>
    public const string StreamHeader = "x-bench-stream";

    public static async Task RunAsync(string modelServer, string streamSource)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddHttpForwarder();
        await using var app = builder.Build();
        using var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
        });
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Run(async context => await forwarder.SendAsync(context, context.Request.Headers.ContainsKey(StreamHeader) ? streamSource : modelServer, client));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        await GatewayHost.ServeAsync(new Uri(address));
        await app.StopAsync();
    }
}
