using Microsoft.Extensions.Configuration;

namespace Gateway.Sources.File;

/// <summary>Loads a JSON configuration file with the same parser as appsettings.json, turning a parse failure into a message.</summary>
internal static class JsonConfigFile
{
    public static IConfigurationRoot? TryLoad(byte[] content, out string? error)
    {
        try
        {
            error = null;
            return new ConfigurationBuilder().AddJsonStream(new MemoryStream(content, writable: false)).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            // The parser wraps the JsonException that names line and position; show the innermost message.
            error = "is not valid JSON: " + (ex.InnerException?.Message ?? ex.Message);
            return null;
        }
    }

    /// <summary>Null when the file is absent or parses; otherwise why it does not.</summary>
    public static string? Check(string path)
    {
        byte[] content;
        try
        {
            content = System.IO.File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException ex)
        {
            return $"cannot be read: {ex.Message}";
        }

        TryLoad(content, out var error);
        return error;
    }
}
