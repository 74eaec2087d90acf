"""Agricultural tax: conversion hectares from the register's klasoużytki (art. 4)."""
