using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.Cli;
using SaltApiBridge.Hosting;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.EndToEnd;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Telemetry;

namespace SaltApiBridge.Tests.Hosting;

/// <summary>
/// Every closed generic the daemon's container makes from an open registration (<c>ILogger&lt;T&gt;</c> →
/// <c>Logger&lt;T&gt;</c>, <c>IOptions&lt;T&gt;</c> → <c>UnnamedOptionsManager&lt;T&gt;</c>, …) is compiled into the Native
/// AOT executable, named in <c>src/SaltApiBridge/ContainerGenerics.rd.xml</c>. One the file lacks still works, built by the
/// runtime's type loader the first time it is resolved, at a cost: ~0.1 ms each, which was half the start to /healthz.
/// </summary>
[Collection(ContainerEventsCollection.Name)]
public sealed class ContainerGenericsTests(FauxqsServer fauxqs, DynaliteServer dynalite) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Instance = "i-00000000000000260";
    private const string Minion = Group + "-" + Instance;

    private readonly LoopbackStage stage = new(fauxqs, "generics");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => stage.InitializeAsync();

    public ValueTask DisposeAsync() => stage.DisposeAsync();

    [Fact]
    public async Task Run_LaunchScaleInAndTermination_EveryGenericTheContainerClosesIsCompiledIn()
    {
        using var callSites = new ContainerCallSites();
        await using var collector = await OtlpReceiver.StartAsync();
        var table = await dynalite.CreateTableAsync("generics");
        IServiceCollection registrations = new ServiceCollection();
        stage.AutoScaling.AddInstance(Group, Instance, token: "token-launch");
        // As installed with every optional part on: the coordination store, the OTLP exporter, the process's own services.
        var daemon = await stage.StartDaemonAsync(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collector.BaseUrl.ToString(),
            ["Coordination:Store"] = "DynamoDb",
            ["Coordination:TableName"] = table,
            ["Coordination:ServiceUrl"] = dynalite.Endpoint,
            ["Coordination:Region"] = DynaliteServer.Region,
            ["Coordination:ReplicaName"] = "replica-g",
        }, services =>
        {
            RunCommand.AddProcessServices(services);
            // The daemon's own client, with fixed credentials (the machine's AWS setup must not matter).
            services.Replace(ServiceDescriptor.Singleton<IAmazonDynamoDB>(_ => dynalite.CreateClient()));
            registrations = services;
        });
        try
        {
            // What `run` asks before it starts the host: every section's options, the Auto Scaling region.
            BridgeHost.ConfigurationProblems(daemon.Services).Should().BeEmpty();
            await stage.SendAsync(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", "token-launch"));
            await Eventually.UntilAsync(() => Task.FromResult(stage.AutoScaling.Completions.Count == 1), TimeSpan.FromSeconds(30), () => "the launch was never completed:\n" + Tail(daemon));
            await stage.SendAsync(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", Group, Instance, "clean-up", "token-clean"));
            await Eventually.UntilAsync(() => Task.FromResult(stage.AutoScaling.Completions.Count == 2), TimeSpan.FromSeconds(30), () => "the scale-in was never completed:\n" + Tail(daemon));
            await stage.SendAsync(SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, Instance));
            await Eventually.UntilAsync(() => Task.FromResult(stage.Salt.KeyOf(Minion) is null), TimeSpan.FromSeconds(30), () => "the key was never deleted:\n" + Tail(daemon));
            foreach (var path in new[] { "healthz", "readyz", "metrics", "status" })
                (await stage.Http.GetAsync(new Uri(daemon.HealthUrl, path), Ct)).EnsureSuccessStatusCode();
        }
        finally
        {
            await daemon.DisposeAsync();
        }

        var openImplementations = registrations.Select(d => d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType)
            .Where(type => type is { IsGenericTypeDefinition: true }).Select(type => type!.FullName!).ToHashSet(StringComparer.Ordinal);
        var closed = callSites.ImplementationTypes(daemon.Services)
            .Where(type => type.Contains('[', StringComparison.Ordinal) && openImplementations.Contains(type[..type.IndexOf('[', StringComparison.Ordinal)]));
        var listed = RdXmlTypeNames.Read(Path.Combine(LocalCheckout.Root()!, "src", "SaltApiBridge", "ContainerGenerics.rd.xml"));
        var missing = closed.Except(listed).Order(StringComparer.Ordinal).ToList();

        // The services started after the web server (each built on its own, keyed) as well as those built with the host.
        closed.Should().Contain(["Microsoft.Extensions.Logging.Logger`1[SaltApiBridge.Hosting.BridgeWorker]", "Microsoft.Extensions.Logging.Logger`1[Microsoft.Extensions.Hosting.Internal.Host]"]);
        // A renamed or removed type would stay listed without a word from the compiler.
        listed.Where(name => !RdXmlTypeNames.Exists(name)).Should().BeEmpty("every listed type must still exist");
        missing.Should().BeEmpty("each is built at run time in the Native AOT executable; add to ContainerGenerics.rd.xml:\n"
            + string.Join("\n", missing.Select(RdXmlTypeNames.Directive).GroupBy(d => d.Assembly, d => d.Line).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"    <Assembly Name=\"{g.Key}\">\n{string.Join("\n", g.Order(StringComparer.Ordinal).Select(l => "      " + l))}\n    </Assembly>")));
    }

    private static string Tail(BridgeDaemon daemon) => string.Join("\n", daemon.Logs.Lines.TakeLast(20));
}
