using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// The latest reading of every scraped endpoint, published whole by the scraper after each round and read without locks
/// by the picker: one volatile read and one dictionary lookup per endpoint.
/// </summary>
internal sealed class EndpointLoadTable
{
    private IReadOnlyDictionary<DestinationState, EndpointLoad> _loads = new Dictionary<DestinationState, EndpointLoad>();

    public IReadOnlyDictionary<DestinationState, EndpointLoad> Current => Volatile.Read(ref _loads);

    public void Publish(IReadOnlyDictionary<DestinationState, EndpointLoad> loads) => Volatile.Write(ref _loads, loads);
}
