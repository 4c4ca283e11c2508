using System.Text.Json.Nodes;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Api;

namespace SaltApiBridge.Hosting;

/// <summary>
/// What <c>saltapibridge check</c> verifies, through the daemon's own services and configuration: every call is
/// harmless (a lookup, a ping of an id that has no key, an event only the check fires, a heartbeat for an action
/// that does not exist).
/// </summary>
internal sealed class Preflight(IServiceProvider services)
{
    /// <summary>An id no minion has: probes that target it publish nothing.</summary>
    public const string ProbeMinionId = "saltapibridge-check-i-00000000000000000";

    public const string ProbeEventTag = BridgeEventTags.Prefix + "check";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The checks after the configuration's, in their order: what a configuration problem leaves unchecked.</summary>
    private static readonly string[] SkippedWithoutConfiguration =
    [
        "queue", "salt-api login", "salt-api clients (wheel, local, local_async)", "salt-api /hook", "each master of SaltApi:Masters",
        "AWS credentials", "Auto Scaling API",
    ];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Action<CheckResult> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var results = new List<CheckResult>();
        void Add(CheckResult result)
        {
            results.Add(result);
            report(result);
        }

        var problems = BridgeHost.ConfigurationProblems(services);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
                Add(new CheckResult("configuration", false, problem, ConfigurationFixes.For(problem)));
            Add(new CheckResult("not checked", false, string.Join(", ", SkippedWithoutConfiguration) + ": each needs a valid configuration", Skipped: true));
            return results;
        }

        Add(new CheckResult("configuration", true, "every section is valid"));
        Add(await QueueAsync(cancellationToken));
        if (services.GetRequiredService<IOptions<CoordinationOptions>>().Value.Store == CoordinationStoreKind.DynamoDb)
        {
            using var timeout = Timeout(cancellationToken);
            foreach (var result in await services.GetRequiredService<DynamoDbTableCheck>().RunAsync(timeout.Token))
                Add(result);
        }

        var login = await LoginAsync(cancellationToken);
        Add(login);
        if (login.Ok)
        {
            foreach (var client in new[] { "wheel", "local", "local_async" })
                Add(await ClientAsync(client, cancellationToken));
            Add(await HookAsync(cancellationToken));
        }

        foreach (var master in await MastersAsync(cancellationToken))
            Add(master);

        var credentials = await CredentialsAsync(cancellationToken);
        Add(credentials);
        if (credentials.Ok)
            Add(await AutoScalingAsync(cancellationToken));
        return results;
    }

    private async Task<CheckResult> QueueAsync(CancellationToken cancellationToken)
    {
        var queue = services.GetRequiredService<SqsMessageQueue>();
        try
        {
            using var timeout = Timeout(cancellationToken);
            await queue.ProbeAsync(timeout.Token);
            return new CheckResult("queue", true, "SQS answers for " + await queue.GetUrlAsync(timeout.Token));
        }
        catch (QueueUnavailableException e)
        {
            return new CheckResult("queue", false, e.Message, "create the queue (docs/salt-setup.md, AWS section) or fix Queue:QueueUrl / Queue:QueueName / Queue:Region");
        }
        catch (AmazonClientException e) when (e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            return new CheckResult("queue", false, "no usable AWS credentials for SQS (environment, profile, web identity, instance role)",
                "give the master's instance an IAM role, or set AWS_PROFILE / AWS_ACCESS_KEY_ID for the service");
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException)
        {
            return new CheckResult("queue", false, "SQS did not answer: " + FirstLine(e.Message), "check the network path to SQS (or Queue:ServiceUrl)");
        }
    }

    private async Task<CheckResult> LoginAsync(CancellationToken cancellationToken)
    {
        const string name = "salt-api login";
        var session = services.GetRequiredService<SaltApiSession>();
        var api = services.GetRequiredService<ISaltApi>();
        try
        {
            using var timeout = Timeout(cancellationToken);
            // Any authenticated call logs in; a job lookup also proves the rights the bridge polls jobs with.
            await session.InvokeAsync("GET /jobs", (token, ct) => api.GetJobAsync(token, "20000101000000000000", ct), timeout.Token);
            return new CheckResult(name, true, "logged in and looked up a job (GET /jobs)");
        }
        catch (Exception e) when (e is SaltApiException or OperationCanceledException)
        {
            var options = services.GetRequiredService<IOptions<SaltApiOptions>>().Value;
            // Unreachable, timed out, circuit open: the credentials were never asked about.
            return e is SaltApiException { IsTransient: false }
                ? new CheckResult(name, false, e.Message,
                    "are SaltApi:Username and the password right, and is the user in external_auth (salt/master.d/saltapibridge.conf)?")
                : new CheckResult(name, false, e.Message,
                    $"salt-api is not reachable at {options.BaseUrl}: is salt-api running (systemctl status salt-api), listening on that address and port (rest_cherrypy's host and port), and is SaltApi:BaseUrl right?");
        }
    }

    private async Task<CheckResult> ClientAsync(string client, CancellationToken cancellationToken)
    {
        var session = services.GetRequiredService<SaltApiSession>();
        var api = services.GetRequiredService<ISaltApi>();
        var name = $"salt-api client {client}";
        try
        {
            using var timeout = Timeout(cancellationToken);
            switch (client)
            {
                case "wheel":
                    await session.InvokeAsync("wheel key.name_match", (token, ct) => api.RunWheelAsync(token, [new Lowstate(client, "key.name_match") { Match = ProbeMinionId }], ct), timeout.Token);
                    break;
                case "local":
                    await session.InvokeAsync("local test.ping", (token, ct) => api.RunLocalAsync(token, [Ping(client) with { Timeout = 1, GatherJobTimeout = 1 }], ct), timeout.Token);
                    break;
                default:
                    await session.InvokeAsync("local_async test.ping", (token, ct) => api.StartJobAsync(token, [Ping(client)], ct), timeout.Token);
                    break;
            }

            return new CheckResult(name, true, "enabled and allowed");
        }
        catch (Exception e) when (e is SaltApiException or OperationCanceledException)
        {
            return new CheckResult(name, false, e.Message, $"add {client} to netapi_enable_clients and the user's external_auth rights (salt/master.d/saltapibridge.conf), then restart salt-master and salt-api");
        }
    }

    private async Task<CheckResult> HookAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = Timeout(cancellationToken);
            await services.GetRequiredService<ISaltMaster>().FireEventAsync(ProbeEventTag, new JsonObject { ["check"] = true }, timeout.Token);
            return new CheckResult("salt-api /hook", true, $"event salt/netapi/hook/{ProbeEventTag} fired");
        }
        catch (Exception e) when (e is SaltApiException or OperationCanceledException)
        {
            return new CheckResult("salt-api /hook", false, e.Message, "set rest_cherrypy:webhook_url: /hook (salt/master.d/saltapibridge.conf) and restart salt-api");
        }
    }

    /// <summary>
    /// With several masters: each one's salt-api, login and the key.finger rights the gate needs, and whether they share
    /// master.pem (the same master.pub fingerprint, which a minion of a hot/hot set expects unless master_sign_pubkey is used).
    /// </summary>
    private async Task<IReadOnlyList<CheckResult>> MastersAsync(CancellationToken cancellationToken)
    {
        var set = services.GetRequiredService<SaltMasterSet>();
        if (set.IsSingle)
            return [];
        var further = services.GetRequiredService<SaltMasters>().Further;
        var results = new List<CheckResult>();
        var pubs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var master in set.Masters)
        {
            var stack = further.FirstOrDefault(s => s.Name == master.Name);
            var session = stack?.Session ?? services.GetRequiredService<SaltApiSession>();
            var api = stack is null ? services.GetRequiredService<ISaltApi>() : services.GetRequiredKeyedService<ISaltApi>(master.Name);
            try
            {
                using var timeout = Timeout(cancellationToken);
                await master.Master.GetKeyFingerprintAsync(ProbeMinionId, timeout.Token);
                var reply = await session.InvokeAsync(
                    "wheel key.finger_master", (token, ct) => api.RunWheelAsync(token, [new Lowstate("wheel", "key.finger_master")], ct), timeout.Token);
                var pub = reply.First?.Data is { Success: true, Return: { ValueKind: System.Text.Json.JsonValueKind.Object } found }
                    && found.TryGetProperty("local", out var local) && local.TryGetProperty("master.pub", out var finger)
                        ? finger.GetString() ?? "?"
                        : "?";
                pubs[master.Name] = pub;
                results.Add(new CheckResult($"master {master.Name}", true, $"logged in; key.finger and key.finger_master allowed (master.pub {pub})"));
            }
            catch (Exception e) when (e is SaltApiException or OperationCanceledException or HttpRequestException)
            {
                results.Add(new CheckResult($"master {master.Name}", false, e.Message,
                    "is its salt-api reachable (https with a certificate this host trusts: SaltApi:Masters:<name>:CaCertificateFile), its eauth user set up, with key\\.finger$ and key\\.finger_master$ in the @wheel list (salt/master.d/saltapibridge.conf)?"));
            }
        }

        if (pubs.Count == set.Masters.Count)
        {
            results.Add(pubs.Values.Distinct(StringComparer.Ordinal).Count() == 1
                ? new CheckResult("masters share master.pem", true, "the same master.pub fingerprint on every master")
                : new CheckResult("masters share master.pem", true,
                    "master.pub differs (" + string.Join(", ", pubs.Select(p => $"{p.Key}: {p.Value}")) + "): fine only with master_sign_pubkey; otherwise copy master.pem and master.pub to every master (docs/salt-setup.md)"));
        }

        return results;
    }

    private async Task<CheckResult> CredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = Timeout(cancellationToken);
            var credentials = await services.GetRequiredService<IAwsCredentialsSource>().GetCredentialsAsync(timeout.Token);
            var key = credentials.AccessKey ?? "";
            var masked = key.Length > 8 ? key[..4] + new string('*', key.Length - 8) + key[^4..] : "****";
            return new CheckResult("AWS credentials", true, $"found (access key {masked})");
        }
        catch (AutoScalingException e) when (e.ErrorCode == DefaultChainCredentialsSource.MissingCredentials)
        {
            // The sources tried, then how to provide one: said once each.
            return new CheckResult("AWS credentials", false, DefaultChainCredentialsSource.SourcesTried(), DefaultChainCredentialsSource.HowToProvide);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or AutoScalingException or OperationCanceledException)
        {
            return new CheckResult("AWS credentials", false, e.Message, DefaultChainCredentialsSource.HowToProvide);
        }
    }

    private async Task<CheckResult> AutoScalingAsync(CancellationToken cancellationToken)
    {
        const string name = "Auto Scaling API";
        var group = services.GetRequiredService<IOptions<BridgeOptions>>().Value.Groups.FirstOrDefault() ?? "saltapibridge-check";
        var probe = new LifecycleActionIdentity(group, "saltapibridge-check", "00000000-0000-0000-0000-000000000000", "i-00000000000000000");
        try
        {
            using var timeout = Timeout(cancellationToken);
            await services.GetRequiredService<ILifecycleActionClient>().RecordHeartbeatAsync(probe, timeout.Token);
            return new CheckResult(name, true, $"signed requests accepted (a heartbeat for a made-up action in {group} reached validation)");
        }
        catch (AutoScalingException e) when (e.ErrorCode == "ValidationError")
        {
            // Validation comes after authentication and authorisation: the request was signed and allowed.
            return new CheckResult(name, true, $"signed requests accepted (a heartbeat for a made-up action in {group} reached validation)");
        }
        catch (Exception e) when (e is AutoScalingException { IsTransient: true } or OperationCanceledException)
        {
            return new CheckResult(name, false, e.Message, "check the network path to Auto Scaling (AutoScaling:Region, AutoScaling:ServiceUrl, a VPC endpoint or proxy)");
        }
        catch (AutoScalingException e)
        {
            return new CheckResult(name, false, e.Message, "allow autoscaling:CompleteLifecycleAction and autoscaling:RecordLifecycleActionHeartbeat on the groups (docs/salt-setup.md, IAM policy)");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static Lowstate Ping(string client) => new(client, "test.ping") { Tgt = [ProbeMinionId], TgtType = "list" };

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        return timeout;
    }
}
