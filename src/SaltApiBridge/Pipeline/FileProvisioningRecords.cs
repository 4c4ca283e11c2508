using System.Text.Json;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// One small JSON file per minion id in a directory (<see cref="PipelineOptions.RecordDirectory"/>), shared by the
/// replicas on the master host and read by <c>saltapibridge reconcile</c>. Writes go to a temporary file renamed over
/// the old one, so a crash never leaves half a record; a file that cannot be read counts as no record.
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

    public async Task SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var path = PathOf(record.MinionId);
        Directory.CreateDirectory(directory);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await JsonSerializer.SerializeAsync(file, record, ProvisioningRecordJsonContext.Default.ProvisioningRecord, cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task RemoveAsync(string minionId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(minionId));
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

    /// <summary>Only a valid minion id becomes a file name: no separators, no dot-dot.</summary>
    private string PathOf(string minionId) =>
        NameRules.CheckMinionId(minionId) is { } problem
            ? throw new ArgumentException(problem, nameof(minionId))
            : Path.Combine(directory, minionId + Extension);
}
