namespace Gateway.Model;

internal enum ValueMatchType
{
    Exact,
    RegularExpression,
}
