"""tools/lmn-findings.py on hand-built metrics.csv files whose answers are worked out by hand.

usage: python3 test_lmn_findings.py PATH/TO/lmn-findings.py
"""

import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = None

HEADER = "step,epoch,train_loss,train_acc,test_loss,test_acc,l2_norm,wall_seconds,lmn\n"

# step, train_acc, test_loss, test_acc, l2_norm, lmn ('' where not measured).
# Training accuracy saturates at step 40, test loss peaks at step 60 after it (the higher loss at
# step 0 comes before saturation), test accuracy reaches 0.99 at step 100. The rows at 0, 20, 70 and 120 lie outside a window or have no LMN, and each would
# change an answer below if it were counted.
ROWS = [
    (0, 0.05, 7.0, 0.03, 10, 9),
    (20, 0.60, 3.2, 0.04, 12, ""),
    (40, 1.0, 2.0, 0.05, 13, 1),
    (60, 1.0, 6.0, 0.10, 14, 3),
    (70, 1.0, 5.5, 0.20, 20, ""),
    (80, 1.0, 4.0, 0.50, 12, 2),
    (100, 1.0, 5.0, 0.995, 11, 4),
    (120, 1.0, 0.1, 1.0, 9, 100),
]


def write_run(folder, rows, extra_lines=(), scale=1):
    os.makedirs(folder)
    with open(os.path.join(folder, "metrics.csv"), "w") as f:
        f.write(HEADER)
        for step, tr_acc, te_loss, te_acc, l2, lmn in rows:
            f.write(f"{step},{step},0.5,{tr_acc},{te_loss},{te_acc},{l2},0.1,{lmn}\n")
        for line in extra_lines:
            f.write(line + "\n")
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write('{"model": {"init_scale": %s}}' % scale)


def load_script():
    spec = importlib.util.spec_from_file_location("lmn_findings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LmnFindings(unittest.TestCase):
    def setUp(self):
        self.tool = load_script()
        self.tmp = tempfile.TemporaryDirectory()
        self.run = os.path.join(self.tmp.name, "run")
        write_run(self.run, ROWS)

    def tearDown(self):
        self.tmp.cleanup()

    def analyse(self, folder):
        warnings = []
        rows = self.tool.read_metrics(os.path.join(folder, "metrics.csv"), warnings.append)
        return self.tool.analyse(rows), warnings

    def test_pearson_closed_form(self):
        # x = (1, 2, 3), y = (1, 3, 2): deviations (-1, 0, 1) and (-1, 1, 0), so r = 1 / 2
        self.assertAlmostEqual(self.tool.pearson([1, 2, 3], [1, 3, 2]), 0.5, places=12)
        self.assertAlmostEqual(self.tool.pearson([1, 2, 3], [6, 4, 2]), -1.0, places=12)
        self.assertIsNone(self.tool.pearson([1, 2], [3, 4]))
        self.assertIsNone(self.tool.pearson([1, 1, 1], [3, 4, 5]))

    def test_events_and_lmn_values(self):
        f, warnings = self.analyse(self.run)
        self.assertEqual(warnings, [])
        self.assertEqual(f["init"], (0, 9))
        self.assertEqual((f["full_step"], f["full"]), (40, (40, 1)))
        self.assertEqual((f["general_step"], f["general"]), (100, (100, 4)))
        self.assertEqual(f["peak_step"], 60)

    def test_window_from_saturation(self):
        # rows 40..100 with an LMN: LMN (1, 3, 2, 4), L2 (13, 14, 12, 11), test loss (2, 6, 4, 5).
        # Deviations of LMN (-1.5, .5, -.5, 1.5), of L2 (.5, 1.5, -.5, -1.5), of the loss
        # (-2.25, 1.75, -.25, .75): sums of squares 5, 5 and 8.75, cross sums 5.5 and 0.5.
        f, _ = self.analyse(self.run)
        r_lmn, r_l2, used = f["r_sat"]
        self.assertEqual(used, 4)
        self.assertAlmostEqual(r_lmn, 11 / (5 * math.sqrt(7)), places=12)
        self.assertAlmostEqual(r_l2, 1 / (5 * math.sqrt(7)), places=12)

    def test_window_from_loss_peak(self):
        # rows 60..100 with an LMN: LMN (3, 2, 4), L2 (14, 12, 11), loss (6, 4, 5):
        # r(LMN) = 1 / sqrt(2 * 2) = 1/2; L2 deviations (5/3, -1/3, -4/3), squares 14/3, cross 2
        f, _ = self.analyse(self.run)
        r_lmn, r_l2, used = f["r_peak"]
        self.assertEqual(used, 3)
        self.assertAlmostEqual(r_lmn, 0.5, places=12)
        self.assertAlmostEqual(r_l2, math.sqrt(3 / 7), places=12)

    def test_never_generalising_run_ends_at_its_last_row(self):
        folder = os.path.join(self.tmp.name, "late")
        write_run(folder, [row[:3] + (0.5,) + row[4:] for row in ROWS])
        f, _ = self.analyse(folder)
        self.assertIsNone(f["general_step"])
        self.assertEqual(f["general"], (120, 100))
        # LMN (1, 3, 2, 4, 100) against loss (2, 6, 4, 5, 0.1) from step 40 to the end
        xs, ys = [1, 3, 2, 4, 100], [2, 6, 4, 5, 0.1]
        mx, my = sum(xs) / 5, sum(ys) / 5
        sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
        r = sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
        self.assertEqual(f["r_sat"][2], 5)
        self.assertAlmostEqual(f["r_sat"][0], r, places=12)

    def test_damaged_line_is_named_and_the_rest_kept(self):
        folder = os.path.join(self.tmp.name, "damaged")
        write_run(folder, ROWS, extra_lines=["140,140,0.5,1.0,oops,1.0,9,0.1,3", "160,1"])
        f, warnings = self.analyse(folder)
        self.assertEqual(len(warnings), 2)
        self.assertIn("metrics.csv:10: column test_loss", warnings[0])
        self.assertIn("metrics.csv:11: 2 fields", warnings[1])
        self.assertEqual(f["r_sat"][2], 4)

    def test_command_names_unreadable_runs_and_fails(self):
        missing = os.path.join(self.tmp.name, "missing")
        no_column = os.path.join(self.tmp.name, "nocolumn")
        os.makedirs(no_column)
        with open(os.path.join(no_column, "metrics.csv"), "w") as f:
            f.write("step,train_acc,test_acc,test_loss,l2_norm\n0,0,0,1,1\n")
        done = subprocess.run([sys.executable, SCRIPT, self.run, missing, no_column],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 1)
        self.assertIn(os.path.join(missing, "metrics.csv"), done.stderr)
        self.assertIn(os.path.join(no_column, "metrics.csv") + ":1: no column lmn", done.stderr)
        self.assertIn("2 of 3 runs could not be read", done.stderr)
        self.assertIn("model.init_scale = 1: 1 runs, 1 reach 99% test accuracy", done.stdout)


if __name__ == "__main__":
    SCRIPT = sys.argv.pop(1)
    unittest.main(verbosity=2)
