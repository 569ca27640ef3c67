namespace Gateway.Model;

/// <summary>
/// Marks secret material in the model (a key hash, an inline key set, the header values a filter sends), which the
/// admin <c>/config</c> page shows as <see cref="ModelJson.RedactedValue"/>: operators see that a value is set, never the
/// value. A string is replaced whole; for name/value pairs only the values are.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SecretAttribute : Attribute
{
    /// <summary>Whether only the user information of a URL (<c>user:password@</c>) is secret, not the address itself.</summary>
    public bool UserInfoOnly { get; set; }
}
