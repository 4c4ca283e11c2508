using System.Text.Json;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Coordination.Local;

/// <summary>
/// One small JSON file per minion id in a directory (<c>Pipeline:RecordDirectory</c>), shared by the replicas on the
/// master host and read by <c>saltapibridge reconcile</c>. Writes go to a temporary file renamed over the old one, so a
/// crash never leaves half a record; a file that cannot be read counts as no record. The version check compares with
/// the file on disk: it holds between writers that hold the instance's lease, as every writer does.
/// </summary>
public sealed class FileProvisioningRecords(string directory) : IProvisioningRecords
{
    private const string Extension = ".json";

    public bool IsDurable => true;

    public async Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(PathOf(minionId));
            return await JsonSerializer.DeserializeAsync(file, ProvisioningRecordJsonContext.Default.ProvisioningRecord, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    public async Task<ProvisioningRecord> SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var path = PathOf(record.MinionId);
        var stored = (await GetAsync(record.MinionId, cancellationToken))?.Version ?? 0;
        if (stored != record.Version)
            throw new RecordConflictException(record.MinionId, record.Version);
        var saved = record with { Version = record.Version + 1 };
        Directory.CreateDirectory(directory);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await JsonSerializer.SerializeAsync(file, saved, ProvisioningRecordJsonContext.Default.ProvisioningRecord, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return saved;
    }

    public Task RemoveAsync(string minionId, CancellationToken cancellationToken)
    {
        var path = PathOf(minionId);
        // No directory yet: nothing was ever recorded, so there is nothing to forget.
        if (Directory.Exists(directory))
            File.Delete(path);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
            return [];
        var records = new List<ProvisioningRecord>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (await GetAsync(Path.GetFileNameWithoutExtension(path), cancellationToken) is { } record)
                records.Add(record);
        }

        return records;
    }

    /// <summary>Every action in progress: asked at start, when the process that recorded them is gone.</summary>
    public async Task<IReadOnlyList<ProvisioningRecord>> ListUnattendedAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await ListAsync(cancellationToken)).Where(r => r.InProgress is not null).OrderBy(r => r.InProgress!.Since).Take(limit)];

    public async Task<IReadOnlyList<ProvisioningRecord>> ListOwedAsync(CancellationToken cancellationToken) =>
        [.. (await ListAsync(cancellationToken)).Where(r => r.HasOwedWork)];

    /// <summary>Only a valid minion id becomes a file name: no separators, no dot-dot.</summary>
    private string PathOf(string minionId) =>
        NameRules.CheckMinionId(minionId) is { } problem
            ? throw new ArgumentException(problem, nameof(minionId))
            : Path.Combine(directory, minionId + Extension);
}
