using System.Security.Cryptography;
using System.Text;

namespace Gateway.Tls;

/// <summary>
/// One certificate of <c>Gateway:Tls</c> and what its files held when last read. A mounted Secret is rewritten in place
/// when it is renewed (cert-manager, kubelet's atomic symlink swap), so the files are read again on each check and
/// reloaded when their content changed; content that cannot be served leaves the last good certificate in force.
/// </summary>
internal sealed class FileCertificate
{
    private byte[] _fingerprint = [];

    public FileCertificate(string field, TlsCertificateFile file)
    {
        Field = field;
        File = file;
        Refresh();
    }

    /// <summary>The settings key, e.g. <c>Gateway:Tls:Certificates:0</c>.</summary>
    public string Field { get; }

    public TlsCertificateFile File { get; }

    /// <summary>The certificate in force: the last one read that could be served, or null if none ever could.</summary>
    public ServerCertificate? Current { get; private set; }

    /// <summary>What is wrong with the files as they are now, as one line; null when they serve.</summary>
    public string? Problem { get; private set; }

    /// <summary>Reads the files; true when their content changed since the last read (and so did <see cref="Current"/> or <see cref="Problem"/>).</summary>
    public bool Refresh()
    {
        if (!File.TryRead(Field, out var certificate, out var key, out var readError))
        {
            return Report(readError, []);
        }

        var fingerprint = SHA256.HashData(Encoding.UTF8.GetBytes(certificate + "\n" + key));
        if (fingerprint.AsSpan().SequenceEqual(_fingerprint))
        {
            return false;
        }

        _fingerprint = fingerprint;
        if (File.TryParse(Field, certificate, key, out var parseError) is { } loaded)
        {
            Current = loaded;
            Problem = null;
            return true;
        }

        return Report(parseError, fingerprint);
    }

    private bool Report(string? error, byte[] fingerprint)
    {
        _fingerprint = fingerprint;
        var consequence = Current is not null ? "the last good certificate keeps serving"
            : File.Hosts.Length == 0 ? "there is no default certificate" : "its hosts get the default certificate";
        var problem = $"{error}; {consequence}";
        var changed = problem != Problem;
        Problem = problem;
        return changed;
    }
}
