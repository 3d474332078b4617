using System.Diagnostics;
using System.Text;
using BackupFunctions.Pipeline.Format;
using BackupFunctions.Pipeline.Keys;
using BackupFunctions.Pipeline.Manifests;
using Xunit.Abstractions;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>
/// A bounded, seeded mutation run over the artifact and manifest readers (CI runs it with every test
/// run). Each mutation must end in a clean, typed error, or, if it is accepted, yield exactly the
/// original content: never another exception type, never a hang, never altered content accepted.
/// The run stops at its count or its time budget, whichever comes first; a failure names the seed and case.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261205;
    private const int Cases = 2000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);
    private static readonly KeyRing Ring = new KeyRing().Add(TestKeys.Fixed("fuzz-key", 5), makeCurrent: true);
    private static readonly ArtifactIdentity Identity = new("20261205T020000Z-0f0f0f0f", "shop", new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Mutated_artifacts_fail_with_typed_errors_or_read_as_the_original()
    {
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 300).Select(i => $"row {i};{i * 7 % 13}\n")));
        using var stored = new MemoryStream();
        var encoded = await ArtifactEncoder.EncodeAsync(new MemoryStream(plain), stored,
            new ArtifactEncodeOptions(Ring.Current) { ChunkSize = 128, CompressionThreads = 0, Identity = Identity });
        var original = stored.ToArray();
        var expectation = new ArtifactExpectation(Identity, ArtifactHeader.CurrentVersion, "fuzz-key");
        var headerLength = BackupFunctions.Testing.ArtifactBytes.HeaderLength(original);
        var random = new Random(Seed);
        var sw = Stopwatch.StartNew();
        int done = 0, accepted = 0;
        var errors = new Dictionary<string, int>();
        for (; done < Cases && sw.Elapsed < Budget; done++)
        {
            var mutated = Mutations.Apply(original, random, headerLength, ArtifactHeader.TagSize + 128);
            // Half the cases without the manifest's hashes: then the chunk authentication alone must catch everything.
            var withHashes = done % 2 == 0;
            using var cts = new CancellationTokenSource(PerCase);
            try
            {
                var result = await ArtifactDecoder.VerifyAsync(new MemoryStream(mutated), Ring,
                    withHashes ? encoded.StoredSha256 : null, withHashes ? encoded.PlainSha256 : null, null, cts.Token, expectation);
                Assert.True(mutated.AsSpan().SequenceEqual(original), $"seed {Seed} case {done}: an altered artifact ({mutated.Length} bytes) was accepted");
                Assert.Equal(encoded.PlainSha256, result.PlainSha256);
                accepted++;
            }
            catch (Exception e) when (e is ArtifactIntegrityException or WrongKeyException or UnknownKeyException)
            {
                errors[e.GetType().Name] = errors.GetValueOrDefault(e.GetType().Name) + 1;
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                Assert.Fail($"seed {Seed} case {done}: the reader did not finish within {PerCase.TotalSeconds} s (a hang)");
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed} case {done}: {e.GetType().Name} is not a typed artifact error: {e}");
            }
        }

        output.WriteLine($"{done} artifact mutations in {sw.Elapsed.TotalSeconds:F1} s: {accepted} unchanged and accepted, refused: " +
                         string.Join(", ", errors.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(done > 0);
        Assert.True(errors.Values.Sum() > 0);
    }

    [Fact]
    public void Mutated_manifests_fail_with_InvalidManifestException_or_read_as_the_original()
    {
        var manifest = ManifestSigningTests.Sample with { KeyId = "fuzz-key", GlobalsArtifact = Convert.ToBase64String(new byte[40]), GlobalsSha256 = new string('c', 64) };
        var original = ManifestSigner.SignToUtf8Bytes(manifest, Ring);
        var canonical = ManifestSerializer.Serialize(ManifestReader.Read(original, Ring).Manifest);
        var random = new Random(Seed + 1);
        var sw = Stopwatch.StartNew();
        int done = 0, accepted = 0, refused = 0, forged = 0;
        for (; done < Cases && sw.Elapsed < Budget; done++)
        {
            var mutated = Mutations.ApplyToJson(original, random);
            try
            {
                var read = ManifestReader.Read(mutated, Ring);
                Assert.True(read.Signed, $"seed {Seed + 1} case {done}: a mutated manifest was accepted unsigned:\n{Encoding.UTF8.GetString(mutated)}");
                Assert.True(canonical == ManifestSerializer.Serialize(read.Manifest),
                    $"seed {Seed + 1} case {done}: an altered manifest was accepted as signed:\n{Encoding.UTF8.GetString(mutated)}");
                accepted++;
            }
            catch (InvalidManifestException e)
            {
                refused++;
                if (e.Forged) forged++;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed + 1} case {done}: {e.GetType().Name} is not InvalidManifestException: {e}\n{Encoding.UTF8.GetString(mutated)}");
            }
        }

        output.WriteLine($"{done} manifest mutations in {sw.Elapsed.TotalSeconds:F1} s: {accepted} accepted unchanged (layout-only), {refused} refused ({forged} as forged)");
        Assert.True(done > 0);
        Assert.True(refused > 0);
    }

    /// <summary>Seeded byte-level and structure-aware mutations.</summary>
    private static class Mutations
    {
        public static byte[] Apply(byte[] original, Random random, int headerLength, int storedChunk)
        {
            var b = original.ToList();
            // Most mutations land in the header, where parsing is most intricate; the rest anywhere.
            int Position() => random.Next(3) == 0 ? random.Next(Math.Min(headerLength, b.Count)) : random.Next(Math.Max(1, b.Count));
            switch (random.Next(8))
            {
                case 0: { var i = Position(); if (i < b.Count) b[i] ^= (byte)(1 << random.Next(8)); break; }
                case 1: { var i = Position(); if (i < b.Count) b[i] = (byte)random.Next(256); break; }
                case 2: { var keep = random.Next(b.Count); b.RemoveRange(keep, b.Count - keep); break; }
                case 3: b.InsertRange(Position(), Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))); break;
                case 4: { var i = Position(); b.RemoveRange(Math.Min(i, b.Count), Math.Min(random.Next(1, 300), b.Count - Math.Min(i, b.Count))); break; }
                case 5:
                {
                    // Replay: a chunk-sized range copied to another chunk boundary.
                    var chunks = (b.Count - headerLength) / storedChunk;
                    if (chunks < 1) goto case 0;
                    var from = headerLength + random.Next(chunks) * storedChunk;
                    var to = headerLength + random.Next(chunks + 1) * storedChunk;
                    b.InsertRange(Math.Min(to, b.Count), original.AsSpan(from, storedChunk).ToArray());
                    break;
                }
                case 6:
                {
                    // Reorder: swap two whole chunks.
                    var chunks = (b.Count - headerLength) / storedChunk;
                    if (chunks < 2) goto case 0;
                    var x = headerLength + random.Next(chunks) * storedChunk;
                    var y = headerLength + random.Next(chunks) * storedChunk;
                    var a = b.GetRange(x, storedChunk);
                    var c = b.GetRange(y, storedChunk);
                    for (var k = 0; k < storedChunk; k++) { b[x + k] = c[k]; b[y + k] = a[k]; }
                    break;
                }
                default:
                    // A length byte of the header (key id, backup id, database) set to anything.
                    var at = new[] { 24, 25 + original[24], 26 + original[24] + original[25 + original[24]] }[random.Next(3)];
                    if (at < b.Count) b[at] = (byte)random.Next(256);
                    break;
            }
            return b.ToArray();
        }

        private static readonly string[] Tokens = ["null", "0", "-1", "1e309", "\"\"", "[]", "{}", "true", "\"x\"", ",", ":", "}", "]", "\"rowCounts\"", "99999999999999999999"];

        public static byte[] ApplyToJson(byte[] original, Random random)
        {
            var s = Encoding.UTF8.GetString(original);
            var i = random.Next(s.Length);
            switch (random.Next(7))
            {
                case 0: return Mutate(original, random);
                case 1: return Encoding.UTF8.GetBytes(s[..i]);
                case 2: return Encoding.UTF8.GetBytes(s[..i] + Tokens[random.Next(Tokens.Length)] + s[i..]);
                case 3: return Encoding.UTF8.GetBytes(s.Remove(i, Math.Min(random.Next(1, 30), s.Length - i)));
                case 4:
                {
                    // A digit changed: sizes, counts, dates, versions.
                    var digits = Enumerable.Range(0, s.Length).Where(k => char.IsAsciiDigit(s[k])).ToList();
                    var k = digits[random.Next(digits.Count)];
                    return Encoding.UTF8.GetBytes(s[..k] + (char)('0' + random.Next(10)) + s[(k + 1)..]);
                }
                case 5:
                {
                    // A value replaced by a token of another type.
                    var colons = Enumerable.Range(0, s.Length).Where(k => s[k] == ':').ToList();
                    var k = colons[random.Next(colons.Count)] + 1;
                    var end = s.IndexOfAny([',', '\n'], k);
                    return Encoding.UTF8.GetBytes(s[..k] + " " + Tokens[random.Next(Tokens.Length)] + (end < 0 ? "" : s[end..]));
                }
                default: return Encoding.UTF8.GetBytes(s.Replace("\n", random.Next(2) == 0 ? "" : "\n\t ", StringComparison.Ordinal));
            }
        }

        private static byte[] Mutate(byte[] original, Random random)
        {
            var b = (byte[])original.Clone();
            b[random.Next(b.Length)] = (byte)random.Next(256);
            return b;
        }
    }
}
