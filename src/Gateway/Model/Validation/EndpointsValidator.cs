namespace Gateway.Model.Validation;

/// <summary>Checks that a backend's endpoints are absolute http or https addresses.</summary>
internal static class EndpointsValidator
{
    public static void Validate(BackendModel backend, List<ModelProblem> problems)
    {
        var endpoints = backend.Endpoints.Current;
        for (var i = 0; i < endpoints.Length; i++)
        {
            var endpoint = endpoints[i];
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                problems.Add(new ModelProblem(backend.Source, $"backend '{backend.Name}'", $"Endpoints[{i}]", $"'{endpoint}' is not an absolute http:// or https:// address such as http://10.0.0.7:8080"));
            }
        }
    }
}
