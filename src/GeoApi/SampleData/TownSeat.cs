using NetTopologySuite.Geometries;

namespace GridSpatial.GeoApi.SampleData;

/// <summary>The township seat (镇区) on the north bank, just above the provincial road: a grid of
/// 160 × 120 m blocks around the main street (正街), gated housing estates (小区) of 6–30-storey
/// buildings with 2–4 units (单元) and 2–4 flats per floor and unit, a market and shops on the main
/// street, schools, and blocks of self-built 2–4-storey houses (1–3 households each). Units,
/// floors and rooms are only given in the estates' buildings.</summary>
internal sealed class TownSeat
{
    private const double BlockLength = 160, BlockDepth = 120, Inset = 12;
    private readonly List<List<(int Row, double Offset, Tower Tower)>> _estateBlocks = [];
    private readonly int _lowRise, _schoolBlocks;
    private double _u0, _v0;

    public TownSeat(int urbanHouseholds, int households, Random rnd)
    {
        int towerTarget = urbanHouseholds >= 48 ? (int)(urbanHouseholds * 0.72) : 0;
        var towers = new List<Tower>();
        while (towers.Sum(t => t.Households) < towerTarget)
        {
            double roll = rnd.NextDouble();
            int floors = roll < 0.55 ? rnd.Next(6, 12) : roll < 0.9 ? rnd.Next(12, 19) : rnd.Next(19, 31);
            towers.Add(new Tower(floors, rnd.Next(2, 5), rnd.Next(2, 5)));
        }
        //-- Trim the last building (never below 6 floors) so the estates hold about their share.
        while (towers.Count > 0 && towers.Sum(t => t.Households) > towerTarget + 20 && towers[^1].Floors > 6)
            towers[^1] = towers[^1] with { Floors = towers[^1].Floors - 1 };
        Pack(towers);
        _lowRise = urbanHouseholds - towers.Sum(t => t.Households);
        _schoolBlocks = households >= 3000 ? 2 : 1;
        int blocks = 1 + _estateBlocks.Count + (int)Math.Ceiling(_lowRise / 45.0) + _schoolBlocks;
        Rows = Math.Clamp((int)Math.Ceiling(Math.Sqrt(blocks / 2.5)), 1, 4);
        Columns = (int)Math.Ceiling(blocks / (double)Rows);
    }

    public int Columns { get; }

    public int Rows { get; }

    public double HalfWidth => Columns * BlockLength / 2;

    public double HalfDiagonal => Math.Sqrt(HalfWidth * HalfWidth + Rows * BlockDepth * Rows * BlockDepth / 4);

    public Coordinate Centre => new(_u0 + HalfWidth, _v0 + Rows * BlockDepth / 2);

    /// <summary>The blocks and the cross streets down to the provincial road (after <see cref="Place"/>).</summary>
    public Envelope Extent => new(_u0, _u0 + 2 * HalfWidth, _v0 - 160, _v0 + Rows * BlockDepth);

    /// <summary>Sets the town on the north bank at <paramref name="townU"/>, 45 m above the provincial road.</summary>
    public void Place(Valley valley, double townU)
    {
        _u0 = townU - HalfWidth;
        _v0 = double.NegativeInfinity;
        for (double u = _u0 - 40; u <= _u0 + 2 * HalfWidth + 40; u += 10) _v0 = Math.Max(_v0, valley.RoadV(u) + 45);
    }

    /// <summary>Draws the town into <paramref name="layers"/>; returns the households placed.</summary>
    public int Build(Layers layers, LandUse land, Valley valley, string communityCode, string townshipName, PlaceNames names, Random rnd)
    {
        int placed = 0, lowRiseLeft = _lowRise, estate = 0, street = 1;
        var streetNames = new string[Rows + 1];
        for (int j = 0; j <= Rows; j++)
        {
            streetNames[j] = j == 1 ? PlaceNames.Street(0) : PlaceNames.Street(street++);
            layers.AddStreet([new(_u0, _v0 + j * BlockDepth), new(_u0 + 2 * HalfWidth, _v0 + j * BlockDepth)], "street", streetNames[j]);
        }
        for (int i = 0; i <= Columns; i++)
        {
            double u = _u0 + i * BlockLength;
            layers.AddStreet([new(u, valley.RoadV(u)), new(u, _v0 + Rows * BlockDepth)], "street", PlaceNames.Street(street++));
        }
        var order = Enumerable.Range(0, Columns * Rows).Select(k => (I: k % Columns, J: k / Columns))
            .OrderBy(b => Math.Abs(b.I + 0.5 - Columns / 2.0)).ThenBy(b => b.J).ThenBy(b => b.I).ToList();
        var market = order.First(b => b.J == 0);
        var schools = order.Where(b => b != market).TakeLast(_schoolBlocks).ToHashSet();
        var estates = order.Where(b => b != market && !schools.Contains(b)).OrderBy(b => Rows > 1 && b.J == 0 ? 1 : 0).Take(_estateBlocks.Count).ToHashSet();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var b in order)
        {
            double bu = _u0 + b.I * BlockLength, bv = _v0 + b.J * BlockDepth;
            var centre = new Coordinate(bu + BlockLength / 2, bv + BlockDepth / 2);
            if (land.VillageAt(centre) != 0) continue;
            if (b == market)
                layers.AddBuilding(communityCode, centre, 60, 36, 0, 1, "market");
            else if (schools.Contains(b))
                for (int k = 0; k < 2; k++)
                    layers.AddBuilding(communityCode, new Coordinate(centre.X - 20, bv + 32 + k * 50), 56, 14, 0, 4, "school");
            else if (estates.Contains(b))
                placed += BuildEstate(layers, land, communityCode, townshipName, names.Estate(), _estateBlocks[estate++], bu, bv, rnd);
            //-- Shops face the main street (between rows 0 and 1); houses line the other sides.
            if (!schools.Contains(b) && !estates.Contains(b))
                lowRiseLeft -= BuildFrontage(layers, land, communityCode, townshipName, b, bu, bv, streetNames, numbers, b == market ? 0 : lowRiseLeft, rnd);
        }
        return placed + (_lowRise - lowRiseLeft);
    }

    private static int BuildEstate(Layers layers, LandUse land, string communityCode, string townshipName, string estateName,
        List<(int Row, double Offset, Tower Tower)> towers, double bu, double bv, Random rnd)
    {
        int placed = 0, number = 0;
        foreach (var (row, offset, tower) in towers)
        {
            var c = new Coordinate(bu + Inset + offset + tower.Length / 2, bv + Inset + 14 + row * 34);
            if (land.VillageAt(c) != 0 || land.BarrierDistance(c) < 30) continue;
            var id = layers.AddBuilding(communityCode, c, tower.Length, 13, 0, tower.Floors, "residential");
            number++;
            for (int unit = 1; unit <= tower.Units; unit++)
            {
                var at = new Coordinate(c.X - tower.Length / 2 + (unit - 0.5) * tower.Length / tower.Units, c.Y);
                for (int floor = 1; floor <= tower.Floors; floor++)
                for (int flat = 1; flat <= tower.PerFloor; flat++)
                {
                    var room = $"{floor}{flat:D2}";
                    layers.AddHousehold($"{id}-{unit}-{floor:D2}{flat:D2}", communityCode, at, id, floor, Layers.Number(unit), room,
                        $"{townshipName}{estateName}{number}栋{unit}单元{room}室", rnd.Next(1, 6));
                    placed++;
                }
            }
        }
        return placed;
    }

    /// <summary>Houses (or shops, on the main street) along the four sides of a block; returns the households placed.</summary>
    private static int BuildFrontage(Layers layers, LandUse land, string communityCode, string townshipName, (int I, int J) b, double bu, double bv,
        string[] streetNames, Dictionary<string, int> numbers, int quota, Random rnd)
    {
        int placed = 0;
        var sides = new (Coordinate From, Coordinate Dir, Coordinate Inward, double Length, string Street, bool Main)[]
        {
            (new(bu, bv), new(1, 0), new(0, 1), BlockLength, streetNames[b.J], b.J == 1),
            (new(bu, bv + BlockDepth), new(1, 0), new(0, -1), BlockLength, streetNames[b.J + 1], b.J == 0),
            (new(bu, bv), new(0, 1), new(1, 0), BlockDepth, streetNames[b.J], false),
            (new(bu + BlockLength, bv), new(0, 1), new(-1, 0), BlockDepth, streetNames[b.J], false),
        };
        foreach (var (from, dir, inward, length, street, main) in sides)
            for (double s = 20; s <= length - 20; s += 15)
            {
                var c = new Coordinate(from.X + dir.X * s + inward.X * 14, from.Y + dir.Y * s + inward.Y * 14);
                if (land.VillageAt(c) != 0 || land.BarrierDistance(c) < 15 || !land.IsFree(c, 12)) continue;
                double angle = Math.Atan2(dir.Y, dir.X);
                if (main)
                {
                    layers.AddBuilding(communityCode, c, 11, 12, angle, rnd.Next(2, 4), "shop");
                    land.Take(c);
                    continue;
                }
                if (placed >= quota) continue;
                int n = Math.Min(quota - placed, rnd.Next(1, 4));
                var id = layers.AddBuilding(communityCode, c, 11, 12, angle, rnd.Next(2, 5), "residential");
                land.Take(c);
                numbers[street] = numbers.GetValueOrDefault(street) + 1;
                for (int h = 1; h <= n; h++)
                    layers.AddHousehold($"{id}-{h}", communityCode, c, id, null, null, null, $"{townshipName}{street}{numbers[street]}号", rnd.Next(1, 7));
                placed += n;
            }
        return placed;
    }

    /// <summary>Packs buildings into estate blocks: three rows per block, 10 m apart along a row.</summary>
    private void Pack(List<Tower> towers)
    {
        const double RowLength = BlockLength - 2 * Inset;
        int row = 3;
        double offset = 0;
        foreach (var t in towers)
        {
            if (offset + t.Length > RowLength) (row, offset) = (row + 1, 0);
            if (row >= 3)
            {
                _estateBlocks.Add([]);
                (row, offset) = (0, 0);
            }
            _estateBlocks[^1].Add((row, offset, t));
            offset += t.Length + 10;
        }
    }

    private sealed record Tower(int Floors, int Units, int PerFloor)
    {
        public int Households => Floors * Units * PerFloor;

        public double Length => 16 * Units + 2;
    }
}
