using Microsoft.Extensions.Logging;

namespace Gateway.Resilience;

/// <summary>
/// Keeps YARP's forwarder to errors unless the configuration names its category: it writes every failed forward at Warning
/// with the exception and its stack trace (about 1 KB), which <see cref="Proxy.Middleware.FailureLoggingForwarder"/> replaces with one
/// line, and two lines per request at Information.
/// </summary>
internal static class ForwarderLogFilter
{
    public const string Category = "Yarp.ReverseProxy.Forwarder.HttpForwarder";

    public static void Apply(LoggerFilterOptions options)
    {
        foreach (var rule in options.Rules)
        {
            if (string.Equals(rule.CategoryName, Category, StringComparison.Ordinal))
            {
                return;
            }
        }

        options.Rules.Add(new LoggerFilterRule(providerName: null, Category, LogLevel.Error, filter: null));
    }
}
