"""Plans: term plans 规划, annual plans 年度计划 and round tasks 阶段任务安排, with their targets."""
