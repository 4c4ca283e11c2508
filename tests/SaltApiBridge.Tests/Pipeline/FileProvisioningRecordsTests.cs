using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Pipeline;

public sealed class FileProvisioningRecordsTests : IDisposable
{
    private const string Token = "5f1c6a2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e";
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("saltapibridge-records-");
    private readonly FileProvisioningRecords records;

    public FileProvisioningRecordsTests() => records = new FileProvisioningRecords(Path.Combine(directory.FullName, "not-yet-created"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task SaveAsync_ThenAnotherInstanceReadsIt_SameRecordAndNoTokenOnDisk()
    {
        var record = new ProvisioningRecord("web-i-12345678", "i-12345678", "web", ProvisioningRecord.KeyOf(Token),
            new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), "20261125100000000001", new DateTimeOffset(2026, 11, 25, 10, 1, 0, TimeSpan.Zero));

        var saved = await records.SaveAsync(record, Ct);
        var again = new FileProvisioningRecords(Path.Combine(directory.FullName, "not-yet-created"));

        (await again.GetAsync("web-i-12345678", Ct)).Should().Be(record with { Version = 1 });
        (await again.ListAsync(Ct)).Should().Equal(saved);
        record.IsFor(ProvisioningRecord.KeyOf(Token)).Should().BeTrue();
        record.IsFor(ProvisioningRecord.KeyOf("another-token")).Should().BeFalse();
        var text = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(directory.FullName, "not-yet-created")).Single(), Ct);
        text.Should().NotContain(Token);
    }

    [Fact]
    public async Task SaveAsync_Twice_ReplacesAndLeavesNoTemporaryFiles()
    {
        var record = new ProvisioningRecord("web-i-12345678", "i-12345678", "web", null, DateTimeOffset.UnixEpoch);

        var saved = await records.SaveAsync(record, Ct);
        await records.SaveAsync(saved with { ProvisionedAt = DateTimeOffset.UnixEpoch.AddHours(1) }, Ct);

        (await records.GetAsync("web-i-12345678", Ct))!.ProvisionedAt.Should().Be(DateTimeOffset.UnixEpoch.AddHours(1));
        Directory.GetFiles(Path.Combine(directory.FullName, "not-yet-created")).Should().ContainSingle();
    }

    [Fact]
    public async Task SaveAsync_VersionReadBeforeAnotherWrite_ThrowsConflictAndKeepsTheOtherWrite()
    {
        var read = await records.SaveAsync(new ProvisioningRecord("web-i-12345678", "i-12345678", "web", null, DateTimeOffset.UnixEpoch), Ct);
        await records.SaveAsync(read with { HighstateJid = "20261206120000000001" }, Ct);

        var stale = () => records.SaveAsync(read with { HighstateJid = "20261206120000000002" }, Ct);

        await stale.Should().ThrowAsync<RecordConflictException>();
        (await records.GetAsync("web-i-12345678", Ct))!.HighstateJid.Should().Be("20261206120000000001");
    }

    [Fact]
    public async Task ListUnattendedAsync_ActionsInProgress_OnlyThoseOldestFirst()
    {
        var since = DateTimeOffset.UnixEpoch;
        await records.SaveAsync(new ProvisioningRecord("web-i-1", "i-1", "web", null, since), Ct);
        await records.SaveAsync(new ProvisioningRecord("web-i-2", "i-2", "web", "k2", since, InProgress: new ActionInProgress(LifecycleEventKind.Launching, "launch", "k2", since.AddMinutes(2))), Ct);
        await records.SaveAsync(new ProvisioningRecord("web-i-3", "i-3", "web", "k3", since, InProgress: new ActionInProgress(LifecycleEventKind.Terminating, "terminate", "k3", since.AddMinutes(1))), Ct);

        (await records.ListUnattendedAsync(10, Ct)).Select(r => r.MinionId).Should().Equal("web-i-3", "web-i-2");
        (await records.ListUnattendedAsync(1, Ct)).Select(r => r.MinionId).Should().Equal("web-i-3");
    }

    [Fact]
    public async Task GetAsync_MissingOrUnreadable_IsNoRecord()
    {
        Directory.CreateDirectory(Path.Combine(directory.FullName, "not-yet-created"));
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "not-yet-created", "web-i-87654321.json"), "{ not json", Ct);

        (await records.GetAsync("web-i-12345678", Ct)).Should().BeNull();
        (await records.GetAsync("web-i-87654321", Ct)).Should().BeNull();
        (await records.ListAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task RemoveAsync_RecordOrNone_Succeeds()
    {
        await records.SaveAsync(new ProvisioningRecord("web-i-12345678", "i-12345678", "web", null, DateTimeOffset.UnixEpoch), Ct);

        await records.RemoveAsync("web-i-12345678", Ct);
        await records.RemoveAsync("web-i-12345678", Ct);

        (await records.GetAsync("web-i-12345678", Ct)).Should().BeNull();
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("..")]
    [InlineData("a/b")]
    public async Task GetAsync_IdThatIsAPath_Refused(string minionId)
    {
        var act = () => records.GetAsync(minionId, Ct);

        await act.Should().ThrowAsync<ArgumentException>();
    }
}
