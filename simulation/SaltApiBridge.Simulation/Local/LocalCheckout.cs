namespace SaltApiBridge.Simulation.Local;

/// <summary>The checkout this build runs from, for the demo, the tests and the benchmarks (never the installed daemon).</summary>
internal static class LocalCheckout
{
    /// <summary>
    /// The folder holding SaltApiBridge.sln, found above the binaries (built inside the checkout) or, failing that,
    /// above the working directory; null outside a checkout.
    /// </summary>
    public static string? Root()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SaltApiBridge.sln")))
                    return directory.FullName;
            }
        }

        return null;
    }
}
