using NetTopologySuite.Geometries;

namespace GridSpatial.Partitioner.Graphs;

/// <summary>Improves a split of units into connected parts by local moves, each kept only when
/// the cost (size deviation plus compactness) falls and every part stays connected (and mends one
/// part out of its bounds with the fewest moves: <see cref="Repair"/>): a boundary
/// unit moves to a neighbouring part, or two boundary units of neighbouring parts swap. Swaps
/// matter at balance: two parts of ten households cannot trade one unit without both leaving
/// the target, but they can exchange two, which is how a long part and its neighbour become
/// round. Visits units by index, so the result does not depend on input order.</summary>
internal sealed class LocalSearch
{
    private readonly UnitGraph _graph;
    private readonly SizeBand _band;
    private readonly double _compactness;
    private readonly double _cut;
    private readonly Coordinate _origin;
    private readonly double _spacing2;
    private readonly Dictionary<int, int> _partOf = [];
    private readonly HashSet<int>[] _members;
    // Per part: weight, and the first and second moments of its unit positions (weighted).
    private readonly int[] _weight;
    private readonly double[] _w, _sx, _sy, _sq;

    /// <param name="cut">Weight of a border through a block (<see cref="UnitGraph.CutCost"/>), per
    /// typical spacing of its length, against one household of size deviation.</param>
    public LocalSearch(UnitGraph graph, SizeBand band, IReadOnlyList<IReadOnlyList<int>> parts, double compactness, double cut)
    {
        _graph = graph;
        _band = band;
        _compactness = compactness;
        int n = parts.Count;
        _members = parts.Select(p => new HashSet<int>(p)).ToArray();
        _seenIn = new int[graph.Keys.Count];
        _weight = new int[n];
        _w = new double[n];
        _sx = new double[n];
        _sy = new double[n];
        _sq = new double[n];
        _origin = graph.Positions[parts[0][0]];
        for (int p = 0; p < n; p++)
            foreach (var u in parts[p])
            {
                _partOf[u] = p;
                Add(p, u, +1);
            }
        _spacing2 = TypicalSpacingSquared();
        _cut = cut / Math.Sqrt(_spacing2);
    }

    public List<int> Members(int part) => _members[part].Order().ToList();

    /// <summary>The parts as they stand, each ordered by unit, empty ones left out.</summary>
    public List<List<int>> Parts() => Enumerable.Range(0, _members.Length).Select(Members).Where(p => p.Count > 0).ToList();

    /// <summary>Size deviation, compactness and cut cost of all parts: what the search lowers.</summary>
    public double TotalCost()
    {
        double total = 0;
        for (int p = 0; p < _members.Length; p++) total += Cost(p);
        foreach (var (u, p) in _partOf)
        {
            var adjacent = _graph.Adjacent[u];
            for (int i = 0; i < adjacent.Count; i++)
                if (u < adjacent[i] && _partOf.TryGetValue(adjacent[i], out var q) && q != p) total += _cut * _graph.CutCost[u][i];
        }
        return total;
    }

    /// <summary>Rounds of moves then swaps until a round changes nothing or the rounds run out.</summary>
    public void Run(int maxRounds)
    {
        var order = _partOf.Keys.Order().ToArray();
        for (int round = 0; round < maxRounds; round++)
        {
            bool changed = false;
            foreach (var u in order) changed |= TryMove(u);
            if (!changed)
                foreach (var u in order) changed |= TrySwap(u);
            if (!changed) return;
        }
    }

    private bool TryMove(int u)
    {
        int from = _partOf[u];
        if (_members[from].Count <= 1) return false;
        int bestTo = -1;
        double bestDelta = -1e-9;
        foreach (var v in _graph.Adjacent[u])
        {
            if (!_partOf.TryGetValue(v, out var to) || to == from) continue;
            if (LeavesBand(from, to, _graph.Weights[u])) continue;
            double d = PartCost(from, u, -1) + PartCost(to, -1, u) - Cost(from) - Cost(to) + CutDelta(u, from, to);
            if (d < bestDelta || (d == bestDelta && to < bestTo)) (bestTo, bestDelta) = (to, d);
        }
        if (bestTo < 0 || !StaysConnected(_members[from], u, -1)) return false;
        Transfer(u, from, bestTo);
        return true;
    }

    /// <summary>Brings part <paramref name="p"/> inside its bounds by moving boundary units between it
    /// and its neighbours, one at a time and greedily: into a part that is too light or out of one that
    /// is too heavy, of the moves that leave the other part inside its own bounds and both connected
    /// the one moving the fewest households, then the cheapest (size, compactness, cut). No unit of two
    /// other parts moves, so a recompute changes only households on the part's border. False when no
    /// such moves (at most <paramref name="maxMoves"/>) bring it inside; the search is then left as it was.</summary>
    /// <param name="bounds">The households a part (by index) of a given weight must hold, as [lo, hi].</param>
    public bool Repair(int p, Func<int, int, (int Lo, int Hi)> bounds, int maxMoves)
    {
        int Outside(int part, int w)
        {
            var (lo, hi) = bounds(part, w);
            return w < lo ? lo - w : w > hi ? w - hi : 0;
        }
        var moves = new List<(int U, int From, int To)>();
        while (Outside(p, _weight[p]) > 0 && moves.Count < maxMoves)
        {
            bool light = _weight[p] < bounds(p, _weight[p]).Lo;
            (int U, int From, int To, int Weight, double Delta) best = (-1, -1, -1, int.MaxValue, double.MaxValue);
            foreach (var inside in _members[p].Order())
                foreach (var v in _graph.Adjacent[inside])
                {
                    if (!_partOf.TryGetValue(v, out var q) || q == p) continue;
                    //-- Light: the neighbour's unit v comes in. Heavy: the part's own unit goes out to v's part.
                    var (u, from, to) = light ? (v, q, p) : (inside, p, q);
                    int wu = _graph.Weights[u];
                    if (Outside(q, light ? _weight[q] - wu : _weight[q] + wu) > 0
                        || Outside(p, light ? _weight[p] + wu : _weight[p] - wu) >= Outside(p, _weight[p])
                        || _members[from].Count <= 1 || !Between(u, from, to)) continue;
                    double d = PartCost(from, u, -1) + PartCost(to, -1, u) - Cost(from) - Cost(to) + CutDelta(u, from, to);
                    //-- Fewest households moved first (each one moved changes its code), then the cheapest.
                    if ((wu < best.Weight || (wu == best.Weight && d < best.Delta - 1e-12)) && StaysConnected(_members[from], u, -1))
                        best = (u, from, to, wu, d);
                }
            if (best.U < 0) break;
            moves.Add((best.U, best.From, best.To));
            Transfer(best.U, best.From, best.To);
        }
        if (Outside(p, _weight[p]) == 0) return true;
        for (int i = moves.Count - 1; i >= 0; i--) Transfer(moves[i].U, moves[i].To, moves[i].From);
        return false;
    }

    /// <summary>Whether every neighbour of <paramref name="u"/> is in part <paramref name="a"/> or
    /// <paramref name="b"/>: its land lies between those two, so it joins <paramref name="b"/>'s land
    /// whatever the land of other parts does (a territory kept from the previous partition may
    /// stand where the unit's land met a third part's).</summary>
    private bool Between(int u, int a, int b)
    {
        foreach (var v in _graph.Adjacent[u])
            if (!_partOf.TryGetValue(v, out var p) || (p != a && p != b)) return false;
        return true;
    }

    /// <summary>Swaps <paramref name="u"/> with the unit of a neighbouring part that lowers the
    /// cost most, both parts staying connected.</summary>
    private bool TrySwap(int u)
    {
        int a = _partOf[u];
        if (_members[a].Count <= 1) return false;
        (int V, double Delta) best = (-1, -1e-9);
        //-- The parts tried: a few neighbours, so a list reused from call to call (a set made per call was a
        //-- third of the search's time, in allocating and growing it).
        _tried.Clear();
        foreach (var n in _graph.Adjacent[u])
        {
            if (!_partOf.TryGetValue(n, out var b) || b == a || _tried.Contains(b)) continue;
            _tried.Add(b);
            if (_members[b].Count <= 1) continue;
            // Candidates: units of part b that touch part a through a unit other than u.
            foreach (var v in _members[b])
            {
                if (!BordersPart(v, a, u) || LeavesBand(a, b, _graph.Weights[u] - _graph.Weights[v])) continue;
                double d = PartCost(a, u, v) + PartCost(b, v, u) - Cost(a) - Cost(b)
                    + CutDelta(u, a, b) + CutDelta(v, b, a) + 2 * _cut * EdgeCost(u, v);
                if (d < best.Delta || (d == best.Delta && v < best.V)) best = (v, d);
            }
        }
        if (best.V < 0) return false;
        int bPart = _partOf[best.V];
        if (!StaysConnected(_members[a], u, best.V) || !StaysConnected(_members[bPart], best.V, u)) return false;
        Transfer(u, a, bPart);
        Transfer(best.V, bPart, a);
        return true;
    }

    /// <summary>Whether moving <paramref name="weight"/> households from part <paramref name="from"/>
    /// to <paramref name="to"/> takes the two further outside the size band: compactness and
    /// borders along streets are traded only inside it.</summary>
    private bool LeavesBand(int from, int to, int weight) =>
        OutsideBand(_weight[from] - weight) + OutsideBand(_weight[to] + weight) > OutsideBand(_weight[from]) + OutsideBand(_weight[to]);

    private int OutsideBand(int w) => w < _band.Min ? _band.Min - w : w > _band.Max ? w - _band.Max : 0;

    /// <summary>Change of the cut cost when <paramref name="u"/> moves from part <paramref name="from"/>
    /// to <paramref name="to"/>: its borders with <paramref name="from"/> open, those with <paramref name="to"/> close.</summary>
    private double CutDelta(int u, int from, int to)
    {
        if (_cut == 0) return 0;
        double delta = 0;
        var adjacent = _graph.Adjacent[u];
        for (int i = 0; i < adjacent.Count; i++)
        {
            if (!_partOf.TryGetValue(adjacent[i], out var p)) continue;
            if (p == from) delta += _graph.CutCost[u][i];
            else if (p == to) delta -= _graph.CutCost[u][i];
        }
        return _cut * delta;
    }

    private double EdgeCost(int u, int v)
    {
        int i = _graph.Adjacent[u].IndexOf(v);
        return i < 0 ? 0 : _graph.CutCost[u][i];
    }

    /// <summary>Whether <paramref name="v"/> touches part <paramref name="part"/> through a unit other than <paramref name="leaving"/>.</summary>
    private bool BordersPart(int v, int part, int leaving)
    {
        foreach (var x in _graph.Adjacent[v])
            if (x != leaving && _partOf.TryGetValue(x, out var p) && p == part) return true;
        return false;
    }

    private void Transfer(int u, int from, int to)
    {
        Add(from, u, -1);
        _members[from].Remove(u);
        Add(to, u, +1);
        _members[to].Add(u);
        _partOf[u] = to;
    }

    private void Add(int p, int u, int sign)
    {
        var (x, y, wu) = Moment(u);
        _weight[p] += sign * _graph.Weights[u];
        _w[p] += sign * wu;
        _sx[p] += sign * wu * x;
        _sy[p] += sign * wu * y;
        _sq[p] += sign * wu * (x * x + y * y);
    }

    private (double X, double Y, double W) Moment(int u) =>
        (_graph.Positions[u].X - _origin.X, _graph.Positions[u].Y - _origin.Y, Math.Max(1, _graph.Weights[u]));

    private double Cost(int p) => Cost(_weight[p], _w[p], _sx[p], _sy[p], _sq[p]);

    /// <summary>Cost of part <paramref name="p"/> without <paramref name="out"/> and with
    /// <paramref name="in"/> (−1: none).</summary>
    private double PartCost(int p, int @out, int @in)
    {
        int weight = _weight[p];
        double w = _w[p], sx = _sx[p], sy = _sy[p], sq = _sq[p];
        if (@out >= 0)
        {
            var (x, y, wu) = Moment(@out);
            weight -= _graph.Weights[@out]; w -= wu; sx -= wu * x; sy -= wu * y; sq -= wu * (x * x + y * y);
        }
        if (@in >= 0)
        {
            var (x, y, wu) = Moment(@in);
            weight += _graph.Weights[@in]; w += wu; sx += wu * x; sy += wu * y; sq += wu * (x * x + y * y);
        }
        return Cost(weight, w, sx, sy, sq);
    }

    private double Cost(int weight, double w, double sx, double sy, double sq)
    {
        double sse = w <= 0 ? 0 : Math.Max(0, sq - (sx * sx + sy * sy) / w);
        return _band.Cost(weight) + _compactness * sse / _spacing2;
    }

    /// <summary>Whether <paramref name="part"/> stays connected when <paramref name="removed"/>
    /// leaves it and <paramref name="added"/> (−1: none) joins it.</summary>
    private bool StaysConnected(HashSet<int> part, int removed, int added)
    {
        int start = added;
        if (start < 0)
            foreach (var u in part) if (u != removed) { start = u; break; }
        if (start < 0) return false;
        bool Member(int v) => v != removed && (v == added || part.Contains(v));
        //-- A unit is seen in this walk when its stamp is the walk's: no set to allocate and grow per call
        //-- (that was most of the search's time, in resizing and collecting those sets).
        if (++_walk == int.MaxValue) { Array.Clear(_seenIn); _walk = 1; }
        _seenIn[start] = _walk;
        int seen = 1;
        _stack.Clear();
        _stack.Push(start);
        while (_stack.Count > 0)
        {
            int u = _stack.Pop();
            foreach (var v in _graph.Adjacent[u])
                if (Member(v) && _seenIn[v] != _walk)
                {
                    _seenIn[v] = _walk;
                    seen++;
                    _stack.Push(v);
                }
        }
        return seen == part.Count + (added >= 0 ? 1 : 0) - 1;
    }

    // The walk of StaysConnected: the walk each unit was last seen in, and the walk's stack.
    private readonly int[] _seenIn;
    private int _walk;
    private readonly Stack<int> _stack = new();
    private readonly List<int> _tried = [];

    private double TypicalSpacingSquared()
    {
        var d = new List<double>();
        foreach (var u in _partOf.Keys)
            foreach (var v in _graph.Adjacent[u])
                if (u < v) d.Add(_graph.Positions[u].Distance(_graph.Positions[v]));
        if (d.Count == 0) return 1;
        d.Sort();
        double median = d[d.Count / 2];
        return Math.Max(1, median * median);
    }
}
