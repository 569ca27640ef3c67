namespace Gateway.Model;

internal sealed record PathRewrite(PathRewriteType Type, string Value);
