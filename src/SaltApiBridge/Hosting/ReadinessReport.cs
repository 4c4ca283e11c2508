namespace SaltApiBridge.Hosting;

public sealed record ReadinessReport(bool Ready, string Text);
