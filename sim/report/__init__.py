"""HTML reports for a trainee or a cohort: score trends, criteria, yields, pull sizes, passes."""

from sim.report.data import ReportData, cohort_report_data, trainee_report_data
from sim.report.render import build_report, render

__all__ = ["ReportData", "build_report", "cohort_report_data", "render", "trainee_report_data"]
