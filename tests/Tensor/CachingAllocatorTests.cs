using FsCheck.Xunit;
using Scratch.Tensors;
using Xunit;

namespace Scratch.Tests.Tensor;

public class CachingAllocatorTests
{
    const int Segment = 1024;
    static CachingAllocator<int[]> Make(List<int[]> made) => new(n => { var a = new int[n]; made.Add(a); return a; }, Segment, alignment: 16);

    // Random rents and returns (sizes from 1 to 3 segments): live blocks never overlap and stay inside
    // their segment, the books balance (idle + live = reserved), and once everything is returned each
    // segment is one free block again. Replaying the same round settles: a round that adds no segment
    // ends where it began, so every later round is the same (a training step's loop relies on this).
    [Property(MaxTest = 60)]
    public void Blocks_never_overlap_and_merge_back_into_whole_segments(int seed)
    {
        var rng = new Random(seed);
        var made = new List<int[]>();
        var a = Make(made);
        var ops = Enumerable.Range(0, 300).Select(_ => (Rent: rng.NextDouble() < 0.6, Size: rng.Next(1, 3 * Segment), Pick: rng.Next())).ToList();
        var reserved = new List<long>();
        for (int round = 0; round < 5; round++)
        {
            var live = new List<CachingAllocator<int[]>.Block>();
            foreach (var (rent, size, pick) in ops)
            {
                if (rent || live.Count == 0) live.Add(a.Rent(size));
                else { int i = pick % live.Count; a.Return(live[i]); live.RemoveAt(i); }
                Assert.Equal(a.Reserved, a.Idle + live.Sum(b => (long)b.Length));
            }
            foreach (var b in live) Assert.True(b.Start >= 0 && b.Start + b.Length <= b.Segment.Length && b.Start % 16 == 0);
            foreach (var g in live.GroupBy(b => b.Segment))
            {
                var sorted = g.OrderBy(b => b.Start).ToList();
                for (int i = 1; i < sorted.Count; i++)
                    Assert.True(sorted[i - 1].Start + sorted[i - 1].Length <= sorted[i].Start, "two live blocks overlap");
            }
            foreach (var b in live) a.Return(b);
            Assert.Equal(a.Reserved, a.Idle);
            reserved.Add(a.Reserved);
        }
        Assert.Equal(reserved[^2], reserved[^1]);
        a.Trim();
        Assert.Equal(0, a.Reserved);
    }

    [Fact]
    public void A_request_takes_the_smallest_free_block_that_fits()
    {
        var a = Make([]);
        var big = a.Rent(600); var sep1 = a.Rent(16); var small = a.Rent(200); var sep2 = a.Rent(16);
        a.Return(big); a.Return(small);   // free: 608 at 0, 208 at 624, and the segment's tail, 176 at 848
        var b = a.Rent(180);
        Assert.Equal(small.Start, b.Start);
        Assert.Equal(192, b.Length);       // rounded up to the alignment
        Assert.Equal(Segment, a.Reserved); // no new segment
    }

    [Fact]
    public void A_request_bigger_than_a_segment_gets_its_own_which_then_serves_smaller_ones()
    {
        var made = new List<int[]>();
        var a = Make(made);
        var huge = a.Rent(5000);
        Assert.Equal(5008, made.Single().Length);
        a.Return(huge);
        var x = a.Rent(3000); var y = a.Rent(2000);
        Assert.Single(made);
        Assert.Same(x.Segment, y.Segment);
    }

    [Fact]
    public void Returning_a_block_twice_is_an_error_not_a_corrupt_free_list()
    {
        var a = Make([]);
        var b = a.Rent(100);
        a.Return(b);
        var e = Assert.Throws<InvalidOperationException>(() => a.Return(b));
        Assert.Contains("returned twice", e.Message);
    }

    [Fact]
    public void Trim_keeps_segments_that_hold_a_live_block()
    {
        var a = Make([]);
        var keep = a.Rent(100); var drop = a.Rent(2 * Segment);
        a.Return(drop);
        a.Trim();
        Assert.Equal(Segment, a.Reserved);
        a.Return(keep);
    }
}
