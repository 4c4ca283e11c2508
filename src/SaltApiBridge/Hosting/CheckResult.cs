namespace SaltApiBridge.Hosting;

/// <summary>
/// One line of <c>saltapibridge check</c>: what was checked, whether it holds, and how to fix it if not; or, when
/// <see cref="Skipped"/>, what could not be checked and why.
/// </summary>
public sealed record CheckResult(string Name, bool Ok, string Detail, string? Fix = null, bool Skipped = false);
