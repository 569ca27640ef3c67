namespace Gateway.Tls;

/// <summary>
/// The SNI table in force. Handshakes read it without a lock; a change builds a new table and swaps the reference, so a
/// handshake sees either the old table or the new one, never a mix.
/// </summary>
internal sealed class CertificateStore
{
    private volatile SniTable _table = SniTable.Empty;

    public SniTable Current => _table;

    public void Swap(SniTable table) => _table = table;
}
