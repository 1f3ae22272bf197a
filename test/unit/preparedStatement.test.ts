import { preparedStatement } from '../../db/preparedStatement';

it('names the statement, so that pg prepares it once per connection', () => {
  const byId = preparedStatement<[string]>('test.byId', 'SELECT id FROM transactions WHERE id = $1');
  expect(byId(['pay-1'])).toEqual({ name: 'test.byId', text: 'SELECT id FROM transactions WHERE id = $1', values: ['pay-1'] });
});

it('refuses a second statement under a name already taken: pg would run the first text for it', () => {
  preparedStatement('test.twice', 'SELECT 1');
  expect(() => preparedStatement('test.twice', 'SELECT 2')).toThrow('prepared statement test.twice is defined twice');
});
